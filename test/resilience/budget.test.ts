import { describe, expect, it } from 'vitest';
import { FailoverBudget } from '../../src/resilience/budget.ts';

describe('failover budget', () => {
  it('allows the floor on a quiet gateway, then refuses', () => {
    const now = 1_000_000;
    const budget = new FailoverBudget({ ratio: 0.2, minPerWindow: 3, windowMs: 10_000 }, () => now);
    budget.request();
    expect([budget.trySpend(), budget.trySpend(), budget.trySpend(), budget.trySpend()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('allows about ratio x recent requests under load', () => {
    const now = 1_000_000;
    const budget = new FailoverBudget({ ratio: 0.2, minPerWindow: 3, windowMs: 10_000 }, () => now);
    for (let i = 0; i < 100; i++) budget.request();
    let granted = 0;
    while (budget.trySpend()) granted++;
    expect(granted).toBe(20);
  });

  it('recovers once the window has passed', () => {
    let now = 1_000_000;
    const budget = new FailoverBudget({ ratio: 0.2, minPerWindow: 1, windowMs: 10_000 }, () => now);
    expect(budget.trySpend()).toBe(true);
    expect(budget.trySpend()).toBe(false);
    now += 10_001;
    expect(budget.trySpend()).toBe(true);
  });
});
