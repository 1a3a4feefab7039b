/**
 * The index behind registered-secret masking: it must find exactly the secrets a naive scan
 * finds (every registered value the text contains), at any number of secrets.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.ts';
import { forgetSecrets, maskSecrets, REDACTED, registerSecret } from '../../src/telemetry/redact.ts';
import { SECRET_MIN_LENGTH, SecretIndex } from '../../src/telemetry/secret-index.ts';

afterEach(() => forgetSecrets());

/** Small alphabet: secrets overlap, share prefixes and occur inside each other often. */
const text = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom('a', 'b', 'c', '-', 'é', '😀'), minLength: min, maxLength: max });

describe('SecretIndex', () => {
  it('finds exactly the secrets a text contains, longest first', () => {
    fc.assert(
      fc.property(fc.array(text(0, 14), { maxLength: 12 }), text(0, 60), (secrets, sample) => {
        const index = new SecretIndex();
        for (const s of secrets) index.add(s);
        const registered = [...new Set(secrets.filter((s) => s.length >= SECRET_MIN_LENGTH))];
        const composed = `${sample}${registered[0] ?? ''}${sample.slice(3)}`;
        for (const probe of [sample, composed]) {
          const found = index.foundIn(probe);
          expect(new Set(found)).toEqual(new Set(registered.filter((s) => probe.includes(s))));
          for (let i = 1; i < found.length; i++)
            expect(found[i - 1]!.length).toBeGreaterThanOrEqual(found[i]!.length);
        }
        expect(index.size).toBe(registered.length);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps secrets whose hashes collide apart (two values of one length, one 32-bit hash)', () => {
    // Found by a search over random keys: both hash to -475243126 under the index's hash.
    const [one, other] = ['key-nxysf9an5bpo', 'key-ojvwatguappp'];
    const index = new SecretIndex();
    expect(index.add(one)).toBe(true);
    expect(index.add(other)).toBe(true);
    expect(index.add(other)).toBe(false);
    expect(index.foundIn(`a ${other} b`)).toEqual([other]);
    expect(index.foundIn(`a ${one} b`)).toEqual([one]);
    expect(new Set(index.foundIn(`${one}${other}`))).toEqual(new Set([one, other]));
  });

  it('refuses values shorter than the minimum and counts each secret once', () => {
    const index = new SecretIndex();
    expect(index.add('short')).toBe(false);
    expect(index.add('long-enough-value')).toBe(true);
    expect(index.add('long-enough-value')).toBe(false);
    expect(index.size).toBe(1);
    index.clear();
    expect(index.foundIn('xx long-enough-value xx')).toEqual([]);
  });
});

describe('masking with a tenant-scale number of registered secrets', () => {
  it('masks the first and the last of 100,000 registered secrets in log lines and free text', () => {
    for (let i = 0; i < 100_000; i++) registerSecret(`acct-${i}-secret-${(i * 7919) % 100_003}`);
    const first = 'acct-0-secret-0';
    const last = `acct-99999-secret-${(99_999 * 7919) % 100_003}`;
    expect(maskSecrets(`a ${first} b ${last} c`)).toBe(`a ${REDACTED} b ${REDACTED} c`);
    const lines: string[] = [];
    createLogger({ write: (l) => lines.push(l) }).warn(`refused ${last}`, { detail: `x${first}x` });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(first);
    expect(lines[0]).not.toContain(last);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: `refused ${REDACTED}`, detail: `x${REDACTED}x` });
  });

  it('a log line with a bigint field is written (as its digits)', () => {
    const lines: string[] = [];
    createLogger({ write: (l) => lines.push(l) }).info('big', { n: 2n ** 64n });
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'big', n: '18446744073709551616' });
  });
});
