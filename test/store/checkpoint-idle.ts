/**
 * A process for the checkpointer's exit test (test/store/checkpointer.test.ts): opens the store given as the
 * first argument with background checkpoints, writes once and returns without closing it. The worker must
 * not hold the process open: it exits once its event loop has nothing else to do.
 */
import { LiveStore } from '../../src/live/store.js';

const store = new LiveStore(process.argv[2]!, { backgroundCheckpoints: true });
store.recordEvent(0, 'probe', {});
