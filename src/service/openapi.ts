import { looseObject, SCHEMAS } from './openapi-schemas.js';

/**
 * The service's OpenAPI 3.1 document, built from the same zod schemas that validate request bodies. The
 * server serves this object at /openapi.json; docs/openapi.json is written from it (`worksteal serve
 * --openapi`), and a test checks that the two match.
 */

const json = (ref: string): Record<string, unknown> => ({
  'application/json': { schema: { $ref: `#/components/schemas/${ref}` } },
});

const errors = {
  '400': {
    description:
      'A bad request body or parameter; every field is named (an unknown key, a key given twice in one ' +
      'object, a number out of range, malformed JSON, nesting deeper than 32 levels, a query parameter the ' +
      'endpoint does not take, another spelling of a known symbol (BTCUSDT for BTC/USDT) included).',
    content: json('BadRequest'),
  },
  '401': { description: 'Missing or wrong bearer token.', content: json('Error') },
  '413': { description: 'A body above 1 MiB.', content: json('Error') },
  '415': {
    description: 'A body sent as another content type than application/json (a form, text).',
    content: json('Error'),
  },
  '503': {
    description:
      'The store failed to commit (a full or failing disk): nothing after the last committed answer is on ' +
      'disk, so the service answers nothing more until it is restarted; it then recovers from the store.',
    content: json('Error'),
  },
};

export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'worksteal coordinator service',
    version: '1',
    description:
      'One authority over buying power for any number of trading bots (worksteal serve). Executing mode ' +
      '(--broker replay or alpaca) carries steals out itself; advisory mode (--broker none) answers which orders ' +
      'the bot must cancel and place, and waits (with a deadline) for the bot to report each result. See ' +
      'docs/service.md.',
  },
  servers: [{ url: 'http://127.0.0.1:8787' }],
  security: [{ bearer: [] }],
  paths: {
    '/v1/requests': {
      post: {
        operationId: 'request',
        summary: 'Decide an entry request (and start its saga).',
        description:
          'Serialized with every other request. Executing mode answers with the outcome; advisory mode answers ' +
          'as soon as the saga waits for the bot (status waiting-for-bot, saga.waitingFor) or has ended.',
        parameters: [
          {
            name: 'explain',
            in: 'query',
            required: false,
            description:
              'true: include the full decision record (every candidate and why); false or absent: not; any ' +
              'other value is a 400',
            schema: { type: 'boolean' },
          },
        ],
        requestBody: { required: true, content: json('EntryRequest') },
        responses: {
          '200': { description: 'The decision and what happens next.', content: json('RequestAnswer') },
          ...errors,
        },
      },
    },
    '/v1/sagas/{sagaId}': {
      get: {
        operationId: 'saga',
        summary: 'One saga: its state and what it waits for.',
        parameters: [{ name: 'sagaId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': { description: 'The saga.', content: json('Saga') },
          '404': { description: 'No such saga.', content: json('Error') },
          '400': errors['400'],
          '401': errors['401'],
        },
      },
    },
    '/v1/sagas/{sagaId}/reports': {
      post: {
        operationId: 'report',
        summary:
          'Report what the bot did for a saga (advisory mode): a cancel confirmed, a fill, a placement.',
        parameters: [{ name: 'sagaId', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: json('SagaReport') },
        responses: {
          '200': {
            description:
              'The saga after it moved on, and whether the report counted (`report`): a late one counts as the ' +
              "order event it stands for, or not at all. An asOf after the service's clock is taken as the " +
              "clock's time, and report.detail says so.",
            content: json('SagaReportAnswer'),
          },
          '404': { description: 'No such saga.', content: json('Error') },
          '409': {
            description:
              'Not in advisory mode; or the report names an order the saga never asked about (another ' +
              "saga's victim, another client order id); or it contradicts what is held: a fill beyond the " +
              "order's quantity or at a price beyond its limit, a placement larger than asked, a second order " +
              'under one client order id. ' +
              'Nothing changed; the message names the order, both sides and what to do.',
            content: json('Error'),
          },
          ...errors,
        },
      },
    },
    '/v1/events': {
      post: {
        operationId: 'event',
        summary:
          'Report an order event: placed (also outside worksteal), fill, cancelled, quote, account, position.',
        requestBody: { required: true, content: json('OrderEvent') },
        responses: {
          '200': {
            description:
              'Whether the event counted: applied true, or false with why in detail (a repeat, a fill whose ' +
              'cumulative quantity is not above what the order has filled, an order no longer open, a fill or ' +
              'cancel of an order never reported placed: held until its placement, a position snapshot whose ' +
              'asOf is older than the one held or before a fill of an order more than 1,000 filled orders back). ' +
              "A time (asOf, order.placedAt) after the service's clock is taken as the clock's, and detail says so.",
            content: json('EventAnswer'),
          },
          '409': {
            description:
              'Executing mode takes quotes only; or the eventId was used before for another body; or a placement ' +
              "under a saga's client order id (on time, or before the saga asked for it) names another symbol, " +
              'side or asset class, or a larger quantity, than the saga asked for; or the event contradicts what is held: a placement under a known order ' +
              "id with other terms, a second order under one client order id, a fill beyond the order's " +
              'quantity, a fill price beyond its limit (a buy above, a sell below; stop orders excepted), a ' +
              "position or placement naming another asset class than the symbol's position or open orders. " +
              'Nothing changed; the message names the order or symbol, both sides and what to do.',
            content: json('Error'),
          },
          ...errors,
          '400': {
            description:
              'A bad body (every field named), or a quote no market quotes: crossed (bid above ask) or with ' +
              'its ask more than 1.5 times its bid, unless at most 0.01 above it and at most 10 times it (a ' +
              'price of a few ticks: 0.01 / 0.02, 1e-8 / 2e-8). Nothing changed.',
            content: json('BadRequest'),
          },
        },
      },
    },
    '/v1/status': {
      get: {
        operationId: 'status',
        summary: 'Capacity, open orders, positions, cooling symbols and open sagas.',
        responses: {
          '200': { description: 'The status.', content: json('Status') },
          '400': errors['400'],
          '401': errors['401'],
        },
      },
    },
    '/v1/decisions': {
      get: {
        operationId: 'decisions',
        summary: 'Decision records since a time, oldest first.',
        parameters: [
          {
            name: 'since',
            in: 'query',
            required: false,
            description:
              'epoch milliseconds (a whole number, checked as a time in a body: seconds are refused) or an ' +
              'ISO-8601 date (UTC) or time with a zone; default: all',
            schema: { type: 'string' },
          },
          {
            name: 'limit',
            in: 'query',
            required: false,
            description: 'how many decisions at most; default: 1000',
            schema: { type: 'integer', minimum: 1, maximum: 10000 },
          },
        ],
        responses: {
          '200': { description: 'The decisions.', content: json('Decisions') },
          ...errors,
        },
      },
    },
    '/metrics': {
      get: {
        operationId: 'metrics',
        summary: 'Prometheus metrics.',
        security: [],
        responses: {
          '200': { description: 'Metrics text.', content: { 'text/plain': { schema: { type: 'string' } } } },
        },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'openapi',
        summary: 'This document.',
        security: [],
        responses: {
          '200': {
            description: 'The OpenAPI document.',
            content: { 'application/json': { schema: looseObject } },
          },
        },
      },
    },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'WORKSTEAL_TOKEN' } },
    schemas: SCHEMAS,
  },
} as const;

/** The document as docs/openapi.json holds it. */
export const openapiText = (): string => `${JSON.stringify(OPENAPI, null, 2)}\n`;
