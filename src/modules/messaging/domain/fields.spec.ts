import { isSingleEmoji } from './fields';

describe('isSingleEmoji', () => {
  it.each(['👍', '🎉', '❤️', '👍🏽', '👩‍👩‍👧', '🇫🇷', '1️⃣', '🏳️‍🌈'])('accepts %s', (emoji) => {
    expect(isSingleEmoji(emoji)).toBe(true);
  });

  it.each(['', 'a', 'ab', ':)', '👍👍', '👍 ', ' 👍', '1', 'é', '©', '🇦', '<script>', 'x'.repeat(40), 42, null])('refuses %p', (value) => {
    expect(isSingleEmoji(value)).toBe(false);
  });
});
