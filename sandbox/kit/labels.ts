/** The labels a simulator has "sold", so tracking works and tests can count double purchases. */
import { trackingEvents } from './tracking-events.ts';
import type { LabelBook, LabelInput, LabelRecord, SimStats, TrackingNumberGenerator } from './types.ts';

/** Luhn-like mod-10 check digit, so default numbers look like real carrier numbers. */
function mod10(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[digits.length - 1 - i]);
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return (10 - (sum % 10)) % 10;
}

export const defaultTrackingNumber: TrackingNumberGenerator = (sequence) => {
  // Start from a time-derived base so two sandbox runs rarely produce the same numbers.
  const body = String((Date.now() % 1e9) * 10 + sequence)
    .padStart(10, '0')
    .slice(-10);
  return `SB${body}${mod10(body)}`;
};

export function createLabelBook(stats: SimStats, clock: () => number): LabelBook {
  let labels = new Map<string, LabelRecord>();
  let sequence = 0;
  let generator: TrackingNumberGenerator = defaultTrackingNumber;
  return {
    create(input: LabelInput) {
      sequence += 1;
      let trackingNumber = input.trackingNumber ?? generator(sequence, input);
      // A generator may collide (same millisecond base): keep numbers unique within the book.
      while (labels.has(trackingNumber) && input.trackingNumber === undefined) {
        sequence += 1;
        trackingNumber = generator(sequence, input);
      }
      const record: LabelRecord = {
        trackingNumber,
        accountId: input.accountId,
        ...(input.reference !== undefined ? { reference: input.reference } : {}),
        service: input.service,
        format: input.format,
        createdAt: clock(),
        meta: { ...input.meta },
      };
      labels.set(trackingNumber, record);
      stats.labelCreated(input.reference);
      return record;
    },
    find: (trackingNumber) => labels.get(trackingNumber),
    all: () => [...labels.values()],
    events(trackingNumber) {
      const label = labels.get(trackingNumber);
      return label ? trackingEvents(label, clock()) : undefined;
    },
    useGenerator(next) {
      generator = next;
    },
    reset() {
      labels = new Map();
    },
  };
}
