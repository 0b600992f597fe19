// A local SMTP server in its own process for the messages bench. It counts what it
// receives by Message-ID and answers the parent over IPC: { type: 'stats' } → counts,
// { type: 'ids' } → every Message-ID received, { type: 'reset' } → forget everything.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

const counts = new Map<string, number>();
let received = 0;

function messageId(head: string): string {
  const match = /^message-id:\s*(\S+)/im.exec(head);
  return match?.[1] ?? '(none)';
}

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  maxClients: 200,
  onData(stream, _session, callback) {
    let head = '';
    stream.on('data', (chunk: Buffer) => {
      if (!head.includes('\r\n\r\n')) head += chunk.toString('utf8');
    });
    stream.on('end', () => {
      const id = messageId(head.slice(0, head.indexOf('\r\n\r\n') + 1 || undefined));
      counts.set(id, (counts.get(id) ?? 0) + 1);
      received++;
      callback();
    });
  },
});

server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: (server.server.address() as AddressInfo).port });
});

process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') {
    let duplicates = 0;
    for (const n of counts.values()) if (n > 1) duplicates += n - 1;
    process.send?.({ type: 'stats', received, unique: counts.size, duplicates });
  } else if (message.type === 'ids') {
    process.send?.({ type: 'ids', ids: [...counts.keys()] });
  } else if (message.type === 'reset') {
    counts.clear();
    received = 0;
    process.send?.({ type: 'reset' });
  } else if (message.type === 'stop') {
    server.close(() => process.exit(0));
  }
});
