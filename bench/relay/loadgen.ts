// The load generator: a child process holding every client socket of one bench server, driven by run.ts
// over IPC (setup → throughput → latency → teardown). It exits when its parent goes away.
import { loadSodium } from '../../src/main/crypto/index.js';
import { createCairnConnector } from './cairn-peer.js';
import type { CairnConnector } from './cairn-peer.js';
import { runLatency, runThroughput } from './drive.js';
import type { ConnectRoom, Peer } from './peer.js';
import { connectPlainRoom } from './plain-peer.js';
import type { LoadgenCommand, LoadgenRequest, LoadgenResponse, ServerKind, SetupCommand, SetupResult, TeardownResult } from './protocol.js';
import { createTracker } from './tracker.js';
import { connectYwsRoom } from './yws-peer.js';
import { nowMs } from './payload.js';
import { applyAutogroupNice } from './priority.js';

/** Rooms connected in parallel during setup (each connects 16 sockets at a time). */
const ROOMS_IN_PARALLEL = 4;

type Session = { rooms: Peer[][]; cairn: CairnConnector | null };

async function connector(kind: ServerKind, session: Session): Promise<ConnectRoom> {
  if (kind === 'plain') return connectPlainRoom;
  if (kind === 'yws') return connectYwsRoom;
  session.cairn ??= createCairnConnector(await loadSodium());
  return session.cairn.connectRoom;
}

function main(): void {
  applyAutogroupNice();
  const tracker = createTracker();
  const session: Session = { rooms: [], cairn: null };

  const setup = async (cmd: SetupCommand): Promise<SetupResult> => {
    const started = nowMs();
    const connectRoom = await connector(cmd.kind, session);
    let next = 0;
    const added: Peer[][] = new Array<Peer[]>(cmd.rooms);
    const worker = async (): Promise<void> => {
      while (next < cmd.rooms) {
        const i = next++;
        const room = cmd.firstRoom + i;
        added[i] = await connectRoom(
          { url: cmd.url, room, devices: cmd.devicesPerRoom, firstId: room * cmd.devicesPerRoom, payloadBytes: cmd.payloadBytes },
          tracker.onDelivery,
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(ROOMS_IN_PARALLEL, cmd.rooms) }, worker));
    session.rooms.push(...added);
    return { connected: session.rooms.reduce((n, room) => n + room.length, 0), setupMs: nowMs() - started };
  };

  const teardown = (): TeardownResult & { errors: Record<string, number> } => {
    let closed = 0;
    for (const room of session.rooms) {
      for (const peer of room) peer.close();
      closed += room.length;
    }
    session.rooms = [];
    const errors = session.cairn?.errors() ?? {};
    session.cairn = null;
    return { closed, errors };
  };

  const handle = async (command: LoadgenCommand): Promise<unknown> => {
    switch (command.cmd) {
      case 'setup':
        return setup(command);
      case 'throughput':
        return runThroughput(session.rooms, tracker, command);
      case 'latency':
        return runLatency(session.rooms, tracker, command);
      case 'teardown':
        return teardown();
    }
  };

  process.on('message', (message: LoadgenRequest) => {
    handle(message.command).then(
      (result) => process.send?.({ id: message.id, ok: true, result } satisfies LoadgenResponse),
      (error: unknown) => process.send?.({ id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies LoadgenResponse),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

main();
