// Golden test: `cxpact lint` over the 128 real Data Action definitions of the corpus
// (test/fixtures/corpus, sources and commits in its README). Every file not in EXPECTED must lint clean (no false
// alarm on a correct definition); every file in EXPECTED must give exactly the listed findings. Each entry was
// reviewed by hand against the definition; the note says why it is a real bug.
import path from 'node:path';
import { lintDataActions } from '../../src/io/lint-run';

const CORPUS = path.join(__dirname, '..', 'fixtures', 'corpus', 'data-actions');

type Row = [severity: 'error' | 'warning' | 'info', code: string, jsonPath: string];

const EXPECTED: Record<string, { rows: Row[]; note: string }> = {
  'automated-callback-blueprint__Add-contact-to-contact-list.custom.json': {
    note: 'URL uses $Input.contactListId: references are case-sensitive, the URL carries the literal text.',
    rows: [['error', 'lint.reference.wrong-case', '$.config.request.requestUrlTemplate']],
  },
  'callback-prioritization__Get-Interaction-State.custom.json': {
    note: 'default "disconnected" has no quotes: {"state": disconnected} is not JSON when the path is missing.',
    rows: [['error', 'lint.translation.default-unquoted', '$.config.response.translationMapDefaults.state']],
  },
  'gc-presence-update-from-ms-teams__Get-Genesys-Cloud-User-Presence.custom.json': {
    note: 'default "Not Found" has no quotes.',
    rows: [['error', 'lint.translation.default-unquoted', '$.config.response.translationMapDefaults.systemPresence']],
  },
  'genesys-cloud-call-park__Get-Waiting-Calls-in-specific-Queue-based-on-External-Tag.custom.json': {
    note: 'empty-string defaults are not JSON text, but both paths start with a deep scan ($..) that resolves to [] on any response: the defaults never apply (warning, not error).',
    rows: [
      ['warning', 'lint.translation.default-unused', '$.config.response.translationMapDefaults.conversationID'],
      ['warning', 'lint.translation.default-unused', '$.config.response.translationMapDefaults.participantID'],
    ],
  },
  'negative-sentiment-callback__Update-External-Tag.custom.json': {
    note: '${INPUT.ConversationID}: the corpus README names this wrong-case reference as a real bug.',
    rows: [['error', 'lint.reference.wrong-case', '$.config.request.requestUrlTemplate']],
  },
  'process-automation-trigger-with-salesforce__get-summary.json': {
    note: 'URL uses $Input.conversationId.',
    rows: [['error', 'lint.reference.wrong-case', '$.config.request.requestUrlTemplate']],
  },
  'public-api-get-call-offered-count-data-action-module__Get-Call-Offered-Count.json': {
    note: 'default "[0].[0]" is a JSONPath fragment, not JSON text.',
    rows: [['error', 'lint.translation.default-unquoted', '$.config.response.translationMapDefaults.count']],
  },
  'public-api-get-contact-from-contact-list-data-action-module__Get-Contact-From-Contact-List.json': {
    note: 'URL uses ${input.contactlistId}, the contract declares contactListId; "data.CustomerName" is a dotted output key (works only through Architect flattening, breaks outbound rules).',
    rows: [
      ['error', 'lint.reference.wrong-case', '$.config.request.requestUrlTemplate'],
      ['warning', 'lint.contract.output-dotted-key', "$.contract.output.successSchema.properties['data.CustomerName']"],
    ],
  },
  'public-api-get-data-table-row-data-action-module__Get-Data-Table-Row.json': {
    note: '${input.KEY_VALUE}.replace(...) outside the braces: the corpus README names this as a real bug.',
    rows: [['error', 'lint.template.method-outside-reference', '$.config.request.requestUrlTemplate']],
  },
  'public-api-get-oldest-call-waiting-use-within-script-data-action-module__Get-Oldest-Call-Waiting-Use-Within-Script.json':
    {
      note: 'default null into the output "OLDEST_CALL_WAITING" of type string: with no call waiting, the output fails validation (no coercion, spec 4.4).',
      rows: [
        ['error', 'lint.translation.default-type', '$.config.response.translationMapDefaults.OLDEST_CALL_WAITING'],
      ],
    },
  'public-api-get-user-routing-status-by-email-data-action-module__Get-User-Routing-Status-by-Email.json': {
    note: 'default null into the output "routingStatus" of type string: an unknown user fails validation instead of returning a value.',
    rows: [['error', 'lint.translation.default-type', '$.config.response.translationMapDefaults.list']],
  },
  'public-api-get-user-id-by-email-data-action-module__Get-User-ID-by-Email.json': {
    note: 'request body ends with an extra "}" after the JSON object; "results.id" is a dotted output key.',
    rows: [
      ['error', 'lint.request.invalid-json', '$.config.request.requestTemplate'],
      ['warning', 'lint.contract.output-dotted-key', "$.contract.output.successSchema.properties['results.id']"],
    ],
  },
  'public-api-insert-data-table-row-data-action-module__Insert-Data-Table-Row.json': {
    note: '${input.key} for the declared "Key", and the stray "}" in "$!{input.ExampleField}}" (corpus README: a real bug).',
    rows: [
      ['error', 'lint.reference.wrong-case', '$.config.request.requestTemplate'],
      ['error', 'lint.template.stray-brace', '$.config.request.requestTemplate'],
    ],
  },
  'public-api-update-external-contact-data-action-module__Update-External-Contact.json': {
    note: 'three declared inputs are never sent in the PUT body: the flow sets them and nothing happens.',
    rows: [
      ['warning', 'lint.input.unused', '$.contract.input.inputSchema.properties.contactOrgName'],
      ['warning', 'lint.input.unused', '$.contract.input.inputSchema.properties.contactOrgType'],
      ['warning', 'lint.input.unused', '$.contract.input.inputSchema.properties.contactOtherEmail'],
    ],
  },
  'survey-sms-delivery-blueprint__action.from-tf.json': {
    note: 'translation path "$$.id": in HCL "$$" only escapes before "{", so the action really gets "$$.id", which is not a JSONPath.',
    rows: [['error', 'translation.jsonpath.syntax', '$.config.response.translationMap.id']],
  },
  'terraform-provider-genesyscloud__example_action.from-tf.json': {
    note: 'the provider doc example: URL uses undeclared ${input.service}; default "UNKNOWN" unquoted; required "status" never written; the declared inputs are unused by a GET.',
    rows: [
      ['error', 'lint.input.undeclared', '$.config.request.requestUrlTemplate'],
      ['error', 'lint.translation.default-unquoted', '$.config.response.translationMapDefaults.buildNumber'],
      ['error', 'lint.output.required-missing', '$.contract.output.successSchema.required'],
      ['warning', 'lint.input.unused', '$.contract.input.inputSchema.properties.examplebool'],
      ['warning', 'lint.input.unused', '$.contract.input.inputSchema.properties.exampleint'],
      ['warning', 'lint.input.unused', '$.contract.input.inputSchema.properties.examplestr'],
    ],
  },
  'update-ms-teams-user-presence-blueprint__Find-Teams-User-Id-Multiple-externalIds.custom.json': {
    note: 'default "Not Found" has no quotes.',
    rows: [['error', 'lint.translation.default-unquoted', '$.config.response.translationMapDefaults.MsTeamsUserId']],
  },
  'workautomation-hubspot-ticketing-sample__Add-DataAction-for-creating-HubSpot-tickets.json': {
    note: 'Authorization header holds a literal bearer token instead of ${credentials.X}.',
    rows: [['error', 'lint.secret.literal', '$.config.request.headers.Authorization']],
  },
  'zoom-meetings-sms-blueprint__Create-Zoom-Meeting.custom.json': {
    note: 'startTime, endTime and timeZone are declared but the body is a constant {"type": 1}: the meeting ignores them.',
    rows: [
      ['warning', 'lint.input.unused', '$.contract.input.inputSchema.properties.endTime'],
      ['warning', 'lint.input.unused', '$.contract.input.inputSchema.properties.startTime'],
      ['warning', 'lint.input.unused', '$.contract.input.inputSchema.properties.timeZone'],
    ],
  },
};

// Info findings (lint.input.optional-unguarded): an input the contract does not list in `required`, rendered in the
// URL by a plain reference outside an #if that tests it. Each is a real strict-reference failure when a flow leaves
// the input out, but most corpus definitions list no `required` inputs and their flows always pass them, so the rule
// is 'info' and kept out of the error/warning table above. Generated, then spot-checked against the definitions
// (e.g. servicenow GET-5-Major-Issues: no `required`, URL https://${input.Domain}.service-now.com/...; Perpetual
// Campaign Callback: required is only contactListId, URL has ?priority=${input.Priority}).
const EXPECTED_INFO: Record<string, string[]> = {
  'ani-blacklist__Disconnect-Interaction.json': ['conversationId'],
  'automated-callback-blueprint__Perpetual-Campaign-Callback.from-md.json': ['Priority'],
  'callback-prioritization__Get-Interaction-State.custom.json': ['conversationId'],
  'gc-associate-user-setup__GC-User-Presence-Update-Secure.custom.json': ['USER_ID'],
  'gc-presence-update-from-ms-teams__GC-User-Presence-Update.custom.json': ['USER_ID'],
  'gc-presence-update-from-ms-teams__Get-Genesys-Cloud-User-Presence.custom.json': ['USER_ID'],
  'genesys-cloud-call-park__Replace-participant-with-ANI.custom.json': ['conversationId', 'participantId'],
  'genesys-cloud-call-park__Update-External-Tag-on-Conversation.custom.json': ['conversationId'],
  'limitless-flows-blueprint__Limitless---Accept-Message-to-SmartCrowd-v1-20220330141510.custom.json': ['accessKey'],
  'limitless-flows-blueprint__Limitless---Get-Contact-By-Phone-from-Genesys-v1-2021062184240.custom.json': ['phone'],
  'limitless-flows-blueprint__Limitless---Get-Last-N-Message-Ids-from-Genesys-v1-2021062184303.custom.json': [
    'conversationId',
  ],
  'limitless-flows-blueprint__Limitless---Get-Message-Id-Count-from-Genesys-v1-2021062184247.custom.json': [
    'conversationId',
  ],
  'limitless-flows-blueprint__Limitless---Get-Message-Ids-From-Chat-Conv-By-Id-And-MsgId-from-Genesys-v1-20210721153212..json':
    ['conversationId', 'messageId', 'sortOrder'],
  'limitless-flows-blueprint__Limitless---Get-Message-Ids-From-Chat-Conv-By-Id-from-Genesys-v1-20210721153255.custom.json':
    ['conversationId', 'sortOrder'],
  'limitless-flows-blueprint__Limitless---Peek-Full-Event-from-SmartCrowd-v1-20220330141741.custom.json': [
    'updateType',
  ],
  'limitless-flows-blueprint__Limitless---Return-from-SmartCrowd-v1-2021062184337.custom.json': ['msgId'],
  'limitless-flows-blueprint__Limitless---Submit-CSAT-Score-to-SmartCrowd-v1-20220330141620.custom.json': ['accessKey'],
  'limitless-flows-blueprint__Limitless---Submit-CSAT-Testimonial-to-SmartCrowd-v1-20220330141647.custom.json': [
    'accessKey',
  ],
  'limitless-flows-blueprint__Limitless---Submit-FollowUp-Dialogue-to-SmartCrowd-v1-2021062184330.custom.json': [
    'accessKey',
  ],
  'merge-ephemeral-message-to-external-contact-blueprint__GetExternalContactIdForCustomerParticipantV2DataAction.json':
    ['conversationId'],
  'negative-sentiment-callback__Get-Sentiment.json': ['conversationid'],
  'public-api-create-queued-callback-data-action-module__Create-Queued-Callback.json': [
    'conversationId',
    'participantId',
  ],
  'public-api-disconnect-callback-conversation-data-action-module__Disconnect-Callback-Conversation.json': [
    'ConversationId',
  ],
  'public-api-get-all-divisions-data-action-module__Get-All-Divisions.json': ['pageNumber'],
  'public-api-get-caller-email-data-action-module__Get-Caller-Email.json': ['conversationId'],
  'public-api-get-campaign-queue-data-action-module__Get-Campaign-Queue.json': ['campaignId'],
  'public-api-get-contact-from-contact-list-data-action-module__Get-Contact-From-Contact-List.json': ['contactId'],
  'public-api-get-data-table-row-data-action-module__Get-Data-Table-Row.json': ['DATATABLE_ID', 'KEY_VALUE'],
  'public-api-get-division-ids-for-conversation-id-data-action-module__Get-Division-IDs-for-Conversation-ID.json': [
    'conversationId',
  ],
  'public-api-get-estimated-wait-time-by-conversation-id-data-action-module__Get-Estimated-Wait-Time-by-Conversation-ID.json':
    ['Conversation_ID'],
  'public-api-get-locations-data-action-module__Get-Locations.json': ['pageNumber'],
  'public-api-get-org-roles-data-action-module__Get-Org-Roles.json': ['pageNumber'],
  'public-api-get-user-queues-data-action-module__Get-User-Queues.json': ['userId', 'pageNumber'],
  'public-api-get-user-skills-data-action-module__Get-User-Skills.json': ['userId', 'pageNumber'],
  'public-api-insert-data-table-row-data-action-module__Insert-Data-Table-Row.json': ['DatatableId'],
  'public-api-set-participant-attribute-data-action-module__Set-Participant-Attribute.json': [
    'conversationId',
    'participantId',
  ],
  'public-api-set-queue-membership-data-action-module__Set-Queue-Membership.json': ['queueId', 'delete'],
  'public-api-set-user-skills-data-action-module__Set-User-Skills.json': ['userId'],
  'public-api-set-user-state-data-action-module__Set-User-State.json': ['userId'],
  'public-api-update-conversation-priority-in-queue-data-action-module__Update-Conversation-Priority-In-Queue.json': [
    'conversationId',
  ],
  'public-api-update-data-table-row-data-action-module__Update-Data-Table-Row.json': ['DatatableId'],
  'public-api-wrap-up-conversation-data-action-module__Wrap-Up-Conversation.json': ['conversationId', 'participantId'],
  'servicenow-get-5-major-issues-data-action-module__GET-5-Major-Issues.json': ['Domain'],
  'servicenow-get-5-top-kb-articles-data-action-module__GET-5-top-KB-articles.json': ['Domain'],
  'servicenow-get-contact-by-mobile-phone-number-data-action-module__Get-Contact-by-Mobile-Phone-Number.json': [
    'Domain',
  ],
  'switch-voice-to-web-messaging__Get-all-Customer-Participant-Data-by-ConversationId.custom.json': ['conversationId'],
  'terminate-voice-calls-with-no-queue__Check-Conversation-For-PSTN-Leg.custom.json': ['CONVERSATION_ID'],
  'terminate-voice-calls-with-no-queue__Put-Conversation-Tag.custom.json': ['conversationId'],
  'update-gc-presence-on-communicate-call-activity-blueprint__GetInboundConversationCallsCheckForUserPickUp.custom.json':
    ['CONVERSATION_ID'],
  'update-gc-presence-on-communicate-call-activity-blueprint__GetOutboundConversationDetailsForPickUp.custom.json': [
    'CONVERSATION_ID',
  ],
  'update-ms-teams-presence-from-inbound-interaction-trigger-blueprint__Update-Teams-User-Presence.custom.json': [
    'user',
  ],
  'update-zoom-presence-from-inbound-interaction-trigger-blueprint__Update-Zoom-User-Presence.custom.json': ['user'],
  'zoom-meetings-sms-blueprint__Create-Zoom-Meeting.custom.json': ['user'],
};

describe('lint over the real-world corpus', () => {
  let result: Awaited<ReturnType<typeof lintDataActions>>;
  beforeAll(async () => {
    result = await lintDataActions(CORPUS, { info: true });
  });

  it('parses and lints all 128 definitions', () => {
    expect(result.unparsed).toBe(0);
    expect(result.actions).toHaveLength(128);
  });

  it('gives exactly the reviewed findings per file, and none on every other file', () => {
    const actual: Record<string, Row[]> = {};
    for (const f of result.findings) {
      if (f.severity === 'info') continue; // compared in the next test
      const file = path.basename(f.at.file);
      actual[file] = [...(actual[file] ?? []), [f.severity, f.code, f.at.path]];
    }
    const expected = Object.fromEntries(Object.entries(EXPECTED).map(([file, e]) => [file, e.rows]));
    expect(actual).toEqual(expected);
  });

  it('gives exactly the reviewed info findings (optional inputs rendered unguarded in the URL)', () => {
    const actual: Record<string, string[]> = {};
    for (const f of result.findings) {
      if (f.severity !== 'info') continue;
      expect(f.code).toBe('lint.input.optional-unguarded');
      expect(f.at.path).toBe('$.config.request.requestUrlTemplate');
      const input = /"([^"]+)" is not in the input contract's required list/.exec(f.message)?.[1] ?? f.message;
      const file = path.basename(f.at.file);
      actual[file] = [...(actual[file] ?? []), input];
    }
    expect(actual).toEqual(EXPECTED_INFO);
  });

  it('every finding names the file, a JSON path, a message and a fix', () => {
    for (const f of result.findings) {
      expect(f.at.file).toMatch(/\.json$/);
      expect(f.at.path).toMatch(/^\$/);
      expect(f.message.length).toBeGreaterThan(10);
      expect(f.fix.length).toBeGreaterThan(5);
    }
  });

  it('the three bugs the corpus README names are flagged', () => {
    const files = new Set(result.findings.filter((f) => f.severity === 'error').map((f) => path.basename(f.at.file)));
    expect(files).toContain('public-api-insert-data-table-row-data-action-module__Insert-Data-Table-Row.json');
    expect(files).toContain('public-api-get-data-table-row-data-action-module__Get-Data-Table-Row.json');
    expect(files).toContain('negative-sentiment-callback__Update-External-Tag.custom.json');
  });
});
