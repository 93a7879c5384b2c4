// compareWithEmulation on hand-written TestExecutionResults (the documented shape): which steps it finds, what
// it reports, and the latency statistics.
import { parseDefinitionFile } from '../../src/core/data-action/parse';
import type { DataAction } from '../../src/core/data-action/model';
import { compareWithEmulation, median, percentile } from '../../src/core/genesys/fidelity';
import { sampleAction } from './helpers';

function action(): DataAction {
  const a = sampleAction('a-1', 'Lookup Customer');
  const parsed = parseDefinitionFile(
    'lookup.json',
    JSON.stringify({ name: a.name, config: a.config, contract: a.contract }),
  );
  expect(parsed.errors).toEqual([]);
  return parsed.actions[0] as DataAction;
}

const input = { phone: '+1 555' };

describe('compareWithEmulation', () => {
  it('finds steps by name keywords and result shape, whatever their numbers', async () => {
    const r = await compareWithEmulation(action(), input, {
      success: true,
      operations: [
        { step: 7, name: 'Validate output', success: true, result: { customerId: '123', tier: 'gold' } },
        { step: 2, name: 'Execute Remote Request', success: true, result: '{"id":"123","tier":"gold"}' },
        {
          step: 1,
          name: 'Build request',
          success: true,
          result: { requestUrl: 'https://crm.example.com/customers?phone=%2B1+555', requestType: 'get' },
        },
        { step: 3, name: 'Translation map', success: true, result: { customerId: '"123"', tier: 'gold' } },
      ],
      finalResult: { customerId: '123', tier: 'gold' },
    });
    expect(r.differences).toEqual([]);
    expect(r.compared).toEqual(['request', 'execute', 'translation', 'final', 'outcome']);
  });

  it('reports a translation value and an outcome that differ', async () => {
    const r = await compareWithEmulation(action(), input, {
      success: false,
      operations: [
        { step: 1, name: 'Execute', success: true, result: { statusCode: 200, body: { tier: 'gold' } } },
        {
          step: 2,
          name: 'Resolve translation map',
          success: false,
          error: { message: "No results for path: $['id']" },
        },
      ],
    });
    // cxpact also fails: $.id is missing and has no default.
    expect(r.platformSuccess).toBe(false);
    expect(r.cxpactSuccess).toBe(false);
    expect(r.differences).toEqual([]);
    expect(r.platformError).toBe("step 2 (Resolve translation map): No results for path: $['id']");

    const r2 = await compareWithEmulation(action(), input, {
      success: true,
      operations: [
        { step: 1, name: 'Execute', success: true, result: { statusCode: 200, body: { id: 'x' } } },
        { step: 2, name: 'Resolve translation map', success: true, result: { customerId: 'x', tier: '"premium"' } },
      ],
      finalResult: { customerId: 'x', tier: 'premium' },
    });
    expect(r2.differences.map((d) => [d.step, d.field, d.platform, d.cxpact])).toEqual([
      ['translation', 'translationMap.tier', '"premium"', 'basic'],
      ['final', 'finalResult', { customerId: 'x', tier: 'premium' }, { customerId: 'x', tier: 'basic' }],
    ]);
  });

  it("matches parts rendered from credentials by regex and never reports the platform's value", async () => {
    const a = sampleAction('a-2', 'With Key', {
      requestUrlTemplate: 'https://crm.example.com/customers?key=${credentials.apiKey}&phone=${input.phone}',
    });
    const parsed = parseDefinitionFile(
      'k.json',
      JSON.stringify({ name: a.name, config: a.config, contract: a.contract }),
    );
    const act = parsed.actions[0] as DataAction;
    const ok = await compareWithEmulation(
      act,
      { phone: '1' },
      {
        success: false,
        operations: [
          {
            step: 1,
            name: 'Resolve request',
            success: true,
            result: { url: 'https://crm.example.com/customers?key=REAL-KEY-123&phone=1' },
          },
        ],
      },
    );
    expect(ok.differences).toEqual([]);
    const bad = await compareWithEmulation(
      act,
      { phone: '1' },
      {
        success: false,
        operations: [
          {
            step: 1,
            name: 'Resolve request',
            success: true,
            result: { url: 'https://crm.example.com/customers?key=REAL-KEY-123&phone=2' },
          },
        ],
      },
    );
    expect(bad.differences).toEqual([
      {
        step: 'request',
        operation: 'step 1 (Resolve request)',
        field: 'url',
        platform: '(not shown: rendered from credentials)',
        cxpact: 'https://crm.example.com/customers?key={{credentials.apiKey}}&phone=1',
      },
    ]);
    expect(JSON.stringify(bad)).not.toContain('REAL-KEY-123');
  });

  it('percentiles and median', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 95)).toBe(100);
    expect(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 50)).toBe(50);
    expect(percentile([], 95)).toBe(0);
  });
});
