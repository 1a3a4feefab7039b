/**
 * CPU of reading carrier answers alone: recorded UPS rating answers (the corpus, as UPS wrote
 * them) parsed by the kit's JSON reader and mapped to rates, in a loop, with no request, no
 * socket and no breaker around it. The part of a rate that grows with the carrier's answer.
 *
 *   node bench/tools/answer-cpu.ts [rounds, default 20000]
 */
import { readFileSync } from 'node:fs';
import { parseRateResponse } from '../../carriers/ups/mapping/rates.ts';
import { parseCarrierJson } from '../../src/carrier/json.ts';

const ROUNDS = Number(process.argv[2] ?? 20_000);
const ANSWERS = ['rate-shop-time-in-transit', 'rate-shop-canada-domestic', 'rate-negotiated'];
const texts = ANSWERS.map((name) =>
  readFileSync(new URL(`../../carriers/ups/corpus/${name}.body`, import.meta.url), 'utf8'),
);

let rates = 0;
const readAll = () => {
  for (const text of texts) rates += parseRateResponse(parseCarrierJson(text)).length;
};
for (let i = 0; i < 3_000; i++) readAll(); // warm-up: optimized code, as in a running gateway
const before = process.cpuUsage();
for (let i = 0; i < ROUNDS; i++) readAll();
const cpu = process.cpuUsage(before);
if (rates === 0) throw new Error('no rate read from the recorded answers');
console.log(
  `${((cpu.user + cpu.system) / (ROUNDS * texts.length)).toFixed(1)} µs CPU per answer read and mapped (${texts.map((t) => `${(t.length / 1024).toFixed(1)} KB`).join(', ')})`,
);
