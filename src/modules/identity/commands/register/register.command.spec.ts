import { AppError } from '../../../../common/errors/app-error';
import { RegisterCommand } from './register.command';

function fieldsOf(input: unknown): string[] {
  try {
    RegisterCommand.create(input);
  } catch (e) {
    if (e instanceof AppError) return (e.details ?? []).map((d) => d.field);
    throw e;
  }
  return [];
}

describe('RegisterCommand', () => {
  const valid = { username: 'Ada_L.99', email: ' ada@example.com ', password: 'longenough' };

  it('lowercases the username before validating it and trims the email', () => {
    const cmd = RegisterCommand.create(valid);
    expect(cmd.username).toBe('ada_l.99');
    expect(cmd.email).toBe('ada@example.com');
    expect(cmd.displayName).toBeUndefined();
  });

  it('refuses bad usernames, emails, passwords and display names, naming each field', () => {
    expect(fieldsOf({ ...valid, username: 'ab' })).toEqual(['username']);
    expect(fieldsOf({ ...valid, username: 'a'.repeat(33) })).toEqual(['username']);
    expect(fieldsOf({ ...valid, username: 'has space' })).toEqual(['username']);
    expect(fieldsOf({ ...valid, username: 'émile' })).toEqual(['username']);
    expect(fieldsOf({ ...valid, email: 'not-an-email' })).toEqual(['email']);
    expect(fieldsOf({ ...valid, password: 'short' })).toEqual(['password']);
    expect(fieldsOf({ ...valid, password: 'x'.repeat(129) })).toEqual(['password']);
    expect(fieldsOf({ ...valid, displayName: '   ' })).toEqual(['displayName']);
    expect(fieldsOf({ ...valid, displayName: null })).toEqual(['displayName']);
    expect(fieldsOf({ ...valid, role: 'admin' })).toEqual(['role']);
    expect(fieldsOf({})).toEqual(expect.arrayContaining(['username', 'email', 'password']));
  });
});
