/**
 * The realtime benchmark's baseline: a plain Socket.IO server with the API's adapter (the
 * Redis streams adapter, made by the same helper) and the API's server options where they
 * apply; no Nest, no authentication, no database. A socket joins the room named in its
 * handshake `auth.room` (its user id in `auth.userId`); `message.send` is broadcast to the
 * sender's room as `message.created`, shaped like the API's message, and acked as the API acks.
 *
 *   PORT=3998 REDIS_KEY_PREFIX=bench_bare: node dist/bench/bare-server.js
 */
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Server } from 'socket.io';
import { createStreamsAdapter } from '../src/common/ws/streams-adapter';
import { loadConfig } from '../src/config/config';

const config = loadConfig({ REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: process.env.REDIS_KEY_PREFIX, PORT: process.env.PORT, HOST: process.env.HOST });
const http = createServer((req, res) => {
  res.writeHead(req.url === '/health/ready' ? 200 : 404).end();
});
const streams = createStreamsAdapter(config);
const server = new Server(http, {
  path: '/socket.io',
  maxHttpBufferSize: 1_000_000,
  adapter: streams.adapter,
});

const seqs = new Map<string, number>();
server.on('connection', (socket) => {
  const auth = socket.handshake.auth as { room?: unknown; userId?: unknown };
  const room = typeof auth.room === 'string' ? auth.room : 'all';
  const userId = typeof auth.userId === 'string' ? auth.userId : socket.id;
  void socket.join(room);
  socket.on('message.send', (payload: { conversationId: string; content: string; clientMessageId: string }, ack: (reply: unknown) => void) => {
    const seq = (seqs.get(room) ?? 0) + 1;
    seqs.set(room, seq);
    const message = {
      id: randomUUID(),
      conversationId: payload.conversationId,
      seq,
      senderId: userId,
      content: payload.content,
      clientMessageId: payload.clientMessageId,
      replyToId: null,
      attachments: [],
      reactions: [],
      createdAt: new Date().toISOString(),
      editedAt: null,
      deletedAt: null,
      version: 1,
    };
    server.to(room).emit('message.created', message);
    ack({ ok: true, data: message });
  });
});

http.listen(config.http.port, config.http.host);

process.once('SIGTERM', () => {
  void server.close().then(
    () => streams.close(),
    () => streams.close(),
  ).finally(() => process.exit(0));
});
