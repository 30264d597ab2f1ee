import { expect } from 'vitest';
import type { SagaView } from '../../src/service/views.js';
import { readyRequest, restingOrder, type Harness } from './fixture.js';

/**
 * The one steal several service tests start from: v1 (SOL/USD, 30 at limit 100) and v2 (BTC/USD, 50) rest 10%
 * from their limits on equity 10,000 at 1x; a request for 5,000 of ETH/USD steals v1, and its saga waits for
 * v1's cancel.
 */
export async function stealV1(h: Harness): Promise<SagaView> {
  h.service.event({ kind: 'placed', order: restingOrder('v1', 'SOL/USD', 3_000, 0.1) });
  h.service.event({ kind: 'placed', order: restingOrder('v2', 'BTC/USD', 5_000, 0.1) });
  const answer = await h.service.request(readyRequest('ETH/USD', 5_000));
  expect(answer.saga!.waitingFor).toEqual([expect.objectContaining({ kind: 'cancel', orderId: 'v1' })]);
  return answer.saga!;
}
