/** A request the mapping refuses before sending anything: nothing was bought, safe to fail over. */
export { refusedBeforeSending as refuse } from '../../../src/carrier/outcomes.ts';
