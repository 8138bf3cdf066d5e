import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pinoHttp } from 'pino-http';
import { pinoHttpOptions, redactQueryString } from './logging.module';

describe('request logging', () => {
  it('keeps the names of query parameters and hides their values', () => {
    expect(redactQueryString('/v1/search/messages?q=salary%20review&conversationId=abc&limit=5')).toBe(
      '/v1/search/messages?q=[redacted]&conversationId=[redacted]&limit=[redacted]',
    );
    expect(redactQueryString('/v1/users/me')).toBe('/v1/users/me');
  });

  it('writes no search term, token or password into the access log', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pinoHttp(pinoHttpOptions({ logLevel: 'info' }), sink);
    const server: Server = createServer((req, res) => {
      logger(req, res);
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve, reject) => {
      request({ port, host: '127.0.0.1', path: '/v1/search/messages?q=salary+review+ada&cursor=c3VjaA', headers: { authorization: 'Bearer secret-token' } }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      })
        .on('error', reject)
        .end();
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const text = lines.join('');
    expect(text).toContain('/v1/search/messages?q=[redacted]&cursor=[redacted]');
    expect(text).not.toMatch(/salary|c3VjaA|secret-token/);
  });
});
