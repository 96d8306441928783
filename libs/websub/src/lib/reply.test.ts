import { parseHubReply } from './reply.js';
import { topicAlreadyRegistered } from './client.js';

test.each([
  [202, '', true],
  [202, 'hub.mode=accepted', true],
  [200, 'hub.mode=accepted', true],
  [201, 'hub.mode=accepted&hub.topic=t', true],
  [200, '', false],
  [204, '', false],
  [200, 'hub.mode=denied&hub.reason=Topic+not+registered', false],
  [202, 'hub.mode=denied', false],
  [400, 'hub.mode=accepted', false],
  [500, '', false],
])('HTTP %i with %j: accepted %s', (status, body, accepted) => {
  expect(parseHubReply(status, body).accepted).toBe(accepted);
});

test('a denial keeps the hub reason, decoded and cut short', () => {
  expect(parseHubReply(200, 'hub.mode=denied&hub.reason=Topic%20%5Bt%5D%20is%20not%20registered')).toEqual({
    accepted: false,
    status: 200,
    mode: 'denied',
    reason: 'Topic [t] is not registered',
  });
  expect(parseHubReply(200, `hub.mode=denied&hub.reason=${'x'.repeat(500)}`).reason).toHaveLength(200);
});

test('a denied register of a topic the hub has already is recognised', () => {
  expect(topicAlreadyRegistered(parseHubReply(200, 'hub.mode=denied&hub.reason=Topic+has+already+registered+with+the+Hub'))).toBe(true);
  expect(topicAlreadyRegistered(parseHubReply(403, 'hub.mode=denied&hub.reason=Not+authorized'))).toBe(false);
  expect(topicAlreadyRegistered(parseHubReply(200, 'hub.mode=accepted'))).toBe(false);
});
