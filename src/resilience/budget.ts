/**
 * A failover budget in the manner of Envoy's and Linkerd's retry budgets: failover and
 * retry attempts may be at most `ratio` of the requests seen in the recent window, with a
 * small floor so a quiet gateway can still fail over. During a carrier-wide outage this
 * stops the gateway from multiplying load onto the fallbacks.
 */
export interface BudgetSettings {
  ratio: number;
  minPerWindow: number;
  windowMs: number;
}

export const DEFAULT_BUDGET: BudgetSettings = { ratio: 0.2, minPerWindow: 10, windowMs: 10_000 };

const SLOTS = 10;

export class FailoverBudget {
  #settings: BudgetSettings;
  #now: () => number;
  #requests = new Array<number>(SLOTS).fill(0);
  #spent = new Array<number>(SLOTS).fill(0);
  #slotStart = new Array<number>(SLOTS).fill(0);

  constructor(settings: BudgetSettings = DEFAULT_BUDGET, now: () => number = Date.now) {
    this.#settings = settings;
    this.#now = now;
  }

  /** Counts one incoming request. */
  request(): void {
    this.#requests[this.#slot()]! += 1;
  }

  /** Takes one failover attempt from the budget; false when it is spent. */
  trySpend(): boolean {
    const slot = this.#slot();
    const requests = sum(this.#requests);
    const spent = sum(this.#spent);
    const allowed = Math.max(this.#settings.minPerWindow, Math.floor(requests * this.#settings.ratio));
    if (spent >= allowed) return false;
    this.#spent[slot]! += 1;
    return true;
  }

  /** Milliseconds until the oldest slot leaves the window (a fair Retry-After). */
  get retryAfterMs(): number {
    return Math.ceil(this.#settings.windowMs / SLOTS);
  }

  #slot(): number {
    const slotMs = this.#settings.windowMs / SLOTS;
    const now = this.#now();
    const index = Math.floor(now / slotMs) % SLOTS;
    const start = Math.floor(now / slotMs) * slotMs;
    if (this.#slotStart[index] !== start) {
      this.#slotStart[index] = start;
      this.#requests[index] = 0;
      this.#spent[index] = 0;
    }
    // Expire slots that fell out of the window while idle.
    for (let i = 0; i < SLOTS; i++) {
      if (now - this.#slotStart[i]! >= this.#settings.windowMs) {
        this.#requests[i] = 0;
        this.#spent[i] = 0;
      }
    }
    return index;
  }
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
