import type {
  SseClientState,
  SseResetInfo,
  SseStateDetail,
} from './sse-client.types.js';

/**
 * What the tabs sharing one connection tell each other over their
 * `BroadcastChannel`. Every tab announces what it listens to (`hello`, answered
 * once by every other tab, `bye` when it closes), so whichever tab becomes the
 * leader already knows the union of topics; the leader relays the stream.
 */
export type TabMessage =
  | {
      type: 'hello';
      tab: string;
      topics: string[];
      events: string[];
      answer: boolean;
    }
  | { type: 'bye'; tab: string }
  | { type: 'reconnect' }
  | { type: 'leader'; tab: string }
  | { type: 'event'; event: string; data: string; id: string }
  | { type: 'reset'; info: SseResetInfo; id: string }
  | {
      type: 'state';
      state: SseClientState;
      detail?: SseStateDetail;
      clientId?: string;
    };
