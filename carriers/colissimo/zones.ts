/**
 * Destination zones of the Colissimo public price list (departure: metropolitan France,
 * Monaco, Andorra). France zone = "France métropolitaine, Andorre, Monaco" (tarif-lettre.com,
 * Tarif Colissimo 2023). Outre-mer 1/2 and the European country list: a merchant's published
 * copy of the Colissimo zoning (nobleopulence.com/fr-us/pages/livraison, secondary source).
 */
export type ZoneName = 'france' | 'om1' | 'om2' | 'europe' | 'world';

/** Origins Colissimo ships from with this price list. */
export const ORIGINS: ReadonlySet<string> = new Set(['FR', 'MC', 'AD']);

const FRANCE = ['FR', 'MC', 'AD'];
/** Guadeloupe, Martinique, Guyane, La Réunion, Mayotte, Saint-Pierre-et-Miquelon, Saint-Martin, Saint-Barthélemy. */
const OM1 = ['GP', 'MQ', 'GF', 'RE', 'YT', 'PM', 'MF', 'BL'];
/** Nouvelle-Calédonie, Polynésie française, Wallis-et-Futuna, TAAF. */
const OM2 = ['NC', 'PF', 'WF', 'TF'];
/** International zones 1 to 4 of the zoning: the EU, Switzerland, the UK, Norway, Iceland. */
const EUROPE = [
  ...['DE', 'BE', 'LU', 'NL'],
  ...['AT', 'ES', 'PT', 'GB', 'IE', 'IT'],
  ...['DK', 'EE', 'HU', 'LV', 'LT', 'PL', 'CZ', 'SK', 'SI', 'SE', 'CH'],
  ...['BG', 'CY', 'HR', 'FI', 'GR', 'IS', 'MT', 'NO', 'RO'],
];

const ZONE_OF = new Map<string, ZoneName>([
  ...FRANCE.map((c) => [c, 'france'] as const),
  ...OM1.map((c) => [c, 'om1'] as const),
  ...OM2.map((c) => [c, 'om2'] as const),
  ...EUROPE.map((c) => [c, 'europe'] as const),
]);

/** The price-list zone of a destination country (ISO alpha-2); every other country is 'world'. */
export function zoneOf(countryCode: string): ZoneName {
  return ZONE_OF.get(countryCode) ?? 'world';
}
