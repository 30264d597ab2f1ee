import { z } from 'zod';
import { entryRequestSchema, orderEventSchema, sagaReportSchema } from './reports.js';

/**
 * The shapes of the service's bodies and answers (OpenAPI components.schemas): the request bodies from the
 * zod schemas that validate them, the answers written out. openapi.ts puts them in the document.
 */

const schema = (s: z.ZodType): Record<string, unknown> => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(s, { io: 'input', target: 'draft-2020-12' });
  return rest;
};

export const looseObject = { type: 'object', additionalProperties: true };

/** A saga as the API shows it (GET /v1/sagas/{id}, and in every answer that names one). */
const SAGA = {
  type: 'object',
  required: [
    'sagaId',
    'symbol',
    'clientOrderId',
    'state',
    'victims',
    'cancelled',
    'waitingFor',
    'earlierVictims',
    'outcome',
  ],
  properties: {
    sagaId: { type: 'string' },
    symbol: { type: 'string' },
    clientOrderId: { type: 'string' },
    state: {
      enum: ['requested', 'victims-cancelled', 'redecide', 'placed', 'done', 'compensated', 'aborted'],
    },
    victims: { type: 'array', items: { type: 'string' } },
    cancelled: { type: 'array', items: { type: 'string' } },
    orderId: { type: ['string', 'null'] },
    detail: { type: ['string', 'null'] },
    startedAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    waitingFor: { type: 'array', items: { $ref: '#/components/schemas/PendingAction' } },
    earlierVictims: {
      type: 'array',
      items: { type: 'string' },
      description:
        'Orders the saga asked to cancel in a decision it left (a victim filled during its cancel and it decided ' +
        'again), oldest first. A report on one of them is still taken, and its answer says where the saga is now.',
    },
    outcome: {
      type: ['string', 'null'],
      description:
        'How the saga ended (placed, stole, aborted, ...), as the request that started it ended; kept across ' +
        'restarts for the last 10,000 sagas ended (by a request, a stop or the crash recovery). Null while it ' +
        'runs, never once it has ended: an older saga, or one ended by a version that did not store it, ' +
        'answers the outcome its state gives (done: stole when it cancelled a victim, else placed).',
    },
  },
};

export const SCHEMAS = {
  EntryRequest: schema(entryRequestSchema),
  SagaReport: schema(sagaReportSchema),
  OrderEvent: schema(orderEventSchema),
  Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } },
  BadRequest: {
    type: 'object',
    required: ['error', 'issues'],
    properties: {
      error: { type: 'string' },
      issues: {
        type: 'array',
        items: {
          type: 'object',
          required: ['field', 'message'],
          properties: {
            field: { type: 'string' },
            message: { type: 'string' },
            value: { description: 'the value sent there, when one was' },
          },
        },
      },
    },
  },
  PendingAction: {
    type: 'object',
    required: ['kind', 'deadline'],
    properties: {
      kind: { enum: ['cancel', 'place'] },
      orderId: { type: 'string', description: 'cancel: the order to cancel' },
      order: { ...looseObject, description: 'place: the order to place, with its clientOrderId' },
      deadline: { type: 'string', format: 'date-time' },
    },
  },
  Saga: SAGA,
  RequestAnswer: {
    type: 'object',
    required: ['status', 'action', 'reason', 'victims', 'replaces', 'saga'],
    properties: {
      status: {
        enum: [
          'waiting-for-bot',
          'waited',
          'blocked',
          'placed',
          'stole',
          'compensated',
          'aborted',
          'dry-run',
        ],
      },
      action: { enum: ['wait', 'place', 'steal', 'block'] },
      reason: { type: 'string' },
      victims: { type: 'array', items: { type: 'string' } },
      replaces: { type: ['string', 'null'] },
      detail: {
        type: ['string', 'null'],
        description:
          'A wait or a block: why, in one sentence with its numbers (the line under `worksteal explain`’s ' +
          'verdict). A saga that ended: how. Null while a saga waits for the bot.',
      },
      orderId: { type: ['string', 'null'] },
      saga: { anyOf: [{ $ref: '#/components/schemas/Saga' }, { type: 'null' }] },
      decision: {
        ...looseObject,
        description: 'with ?explain=true: the full decision record (every candidate and why)',
      },
    },
  },
  SagaReportAnswer: {
    type: 'object',
    required: [...SAGA.required, 'report'],
    properties: {
      ...SAGA.properties,
      report: {
        $ref: '#/components/schemas/EventAnswer',
        description: 'whether this report counted, and how',
      },
    },
  },
  EventAnswer: {
    type: 'object',
    required: ['applied', 'detail'],
    properties: { applied: { type: 'boolean' }, detail: { type: 'string' } },
  },
  Status: {
    type: 'object',
    required: [
      'mode',
      'broker',
      'account',
      'marginUsed',
      'marginCapacity',
      'orders',
      'positions',
      'cooling',
      'sagas',
    ],
    properties: {
      mode: { enum: ['advisory', 'executing'] },
      broker: { type: 'string' },
      account: looseObject,
      marginUsed: { type: 'number' },
      marginCapacity: { type: 'number' },
      marginClaimed: {
        type: 'number',
        description:
          'margin held by steal sagas waiting for a report, beyond what their pending cancels hold',
      },
      marginFree: { type: 'number', description: 'marginCapacity − marginUsed − marginClaimed' },
      brokerView: {
        type: ['object', 'null'],
        description:
          'executing mode: when the ledger last read the broker (account, open orders, positions) and the order ' +
          'events since, not yet in it; it reads again after each event. null in advisory mode',
        properties: {
          readAt: { type: ['string', 'null'], format: 'date-time' },
          eventsSince: { type: 'integer' },
        },
      },
      overCapacity: {
        type: 'object',
        description:
          'placements reported since start that took margin used (and claimed) over capacity, and the last',
        properties: { placements: { type: 'integer' }, last: { type: ['object', 'null'] } },
      },
      orders: {
        type: 'array',
        items: looseObject,
        description:
          "the open orders; each row's quoteTime (date-time or null) is when its symbol's last quote was made",
      },
      positions: {
        type: 'array',
        items: looseObject,
        description: 'the positions; quoteTime as on the orders',
      },
      quotes: {
        type: 'array',
        description:
          "each symbol's last quote taken and when it was made (its asOf, or when it arrived); advisory mode " +
          'keeps them across restarts, executing mode since it started',
        items: {
          type: 'object',
          required: ['symbol', 'bid', 'ask', 'time'],
          properties: {
            symbol: { type: 'string' },
            bid: { type: 'number' },
            ask: { type: 'number' },
            time: { type: 'string', format: 'date-time' },
          },
        },
      },
      cooling: {
        type: 'array',
        items: {
          type: 'object',
          required: ['symbol', 'until'],
          properties: { symbol: { type: 'string' }, until: { type: 'string', format: 'date-time' } },
        },
      },
      sagas: { type: 'array', items: { $ref: '#/components/schemas/Saga' } },
    },
  },
  Decisions: {
    type: 'object',
    required: ['decisions'],
    properties: { decisions: { type: 'array', items: looseObject } },
  },
} as const;
