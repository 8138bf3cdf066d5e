import { ApiProperty } from '@nestjs/swagger';
import { MessageView } from '../../messaging';

export class SearchHitView {
  @ApiProperty({ type: MessageView, description: 'The message as every other endpoint returns it (reactions with `me`, ...)' })
  message: MessageView;

  @ApiProperty({
    example: '…the <mark>deployment</mark> of <mark>ERR-4312</mark> fix is done…',
    description:
      'A snippet of the message (up to about 30 words around the best match), safe to insert as HTML: the message text is ' +
      'HTML-escaped (& < > " \' as entities) and the only markup is `<mark>` … `</mark>` around matched words. ' +
      '`…` (U+2026) marks text left out before or after the snippet.',
  })
  highlight: string;

  @ApiProperty({
    example: 0.5303,
    description:
      'Relevance in [0, 1), higher is better: 0.5 if every word matched exactly (not only as a prefix), plus half of ts_rank. ' +
      'Only comparable within one search.',
  })
  rank: number;
}

export class SearchPage {
  @ApiProperty({ type: [SearchHitView] })
  items: SearchHitView[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' })
  nextCursor: string | null;
}
