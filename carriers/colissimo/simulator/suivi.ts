/**
 * La Poste Suivi v2 answers built from the kit's label book: the label's synthetic history
 * turned into Suivi events (newest FIRST, La Poste codes and French labels), the 5-step
 * timeline, and per-id error entries (400 invalid id, 104 not yet available).
 */
import type { LabelRecord, SimTrackingEvent } from '../../../sandbox/kit/types.ts';

/** Kit script codes -> La Poste event codes and their customer labels. */
const BY_KIT_CODE: Readonly<Record<string, { code: string; label: string }>> = {
  LC: {
    code: 'DR1',
    label:
      'Votre Colissimo va bientôt nous être confié ! Il est en cours de préparation chez votre expéditeur.',
  },
  PU: { code: 'PC1', label: 'Votre colis a été déposé dans un point postal.' },
  IT: { code: 'ET1', label: 'Votre colis est en transit sur nos plateformes logistiques.' },
  OD: {
    code: 'MD2',
    label:
      'Votre colis est dans le site de livraison qui dessert votre adresse. Nous le préparons pour le mettre en livraison.',
  },
  DL: { code: 'DI1', label: 'Votre colis est livré.' },
};
const BY_STATUS: Readonly<Record<string, { code: string; label: string }>> = {
  pre_transit: BY_KIT_CODE.LC!,
  in_transit: BY_KIT_CODE.IT!,
  out_for_delivery: BY_KIT_CODE.OD!,
  delivered: BY_KIT_CODE.DL!,
  exception: { code: 'PB1', label: 'Votre colis rencontre un problème.' },
  unknown: BY_KIT_CODE.IT!,
};

export const MESSAGE_400 =
  'Le numéro que vous avez saisi n’est pas valide. Nous vous invitons à vérifier votre saisie, en particulier le nombre de caractères.';
export const MESSAGE_104 =
  "Votre suivi n'est pas encore disponible. Si vous avez déposé votre envoi, les informations de suivi peuvent être affichées avec un délai, veuillez réessayer ultérieurement.";

/** The spec: an id is 11 to 15 alphanumeric characters. */
export const VALID_ID = /^[A-Za-z0-9]{11,15}$/;

/** "2023-03-09T09:38:00+01:00": La Poste dates carry the Paris offset, no milliseconds. */
export function parisDate(iso: string): string {
  const date = new Date(iso);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Paris',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  const offset = parts.timeZoneName === 'GMT' ? '+00:00' : String(parts.timeZoneName).replace('GMT', '');
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}

const base = (lang: string) => ({ lang, scope: 'open' });

export function errorEntry(lang: string, returnCode: 400 | 104, idShip: string): Record<string, unknown> {
  return { returnCode, returnMessage: returnCode === 400 ? MESSAGE_400 : MESSAGE_104, ...base(lang), idShip };
}

export function shipmentEntry(
  lang: string,
  label: LabelRecord,
  history: readonly SimTrackingEvent[],
): Record<string, unknown> {
  // The kit lists events oldest first; Suivi lists them newest first.
  const events = [...history].reverse().map((e) => {
    const mapped = BY_KIT_CODE[e.code] ?? BY_STATUS[e.status] ?? BY_STATUS.unknown!;
    return { code: mapped.code, label: mapped.label, date: parisDate(e.at) };
  });
  const delivered = history.some((e) => e.status === 'delivered');
  const reached = (status: string) => history.some((e) => e.status === status);
  const origin = 'FR';
  const arrival = typeof label.meta.recipientCountry === 'string' ? label.meta.recipientCountry : 'FR';
  const step = (id: number, shortLabel: string, done: boolean, country: string) => ({
    shortLabel,
    longLabel: '',
    id,
    country,
    status: done,
    type: 1,
  });
  const firstDate = events.at(-1)?.date;
  const shipment: Record<string, unknown> = {
    idShip: label.trackingNumber,
    holder: 4,
    product: 'colissimo',
    isFinal: delivered,
    ...(firstDate ? { entryDate: firstDate } : {}),
    ...(delivered && events[0] ? { deliveryDate: events[0].date } : {}),
    timeline: [
      step(1, 'Votre colis est entre nos mains.', reached('in_transit'), origin),
      step(2, 'Il est en chemin.', reached('in_transit'), arrival),
      step(3, 'Votre colis est arrivé sur son site de livraison.', reached('out_for_delivery'), ''),
      step(4, 'Nous préparons votre colis pour sa livraison.', reached('out_for_delivery'), arrival),
      step(5, 'Votre colis a été livré', delivered, arrival),
    ],
    event: events,
    contextData: { deliveryChoice: { deliveryChoice: 0 }, originCountry: origin, arrivalCountry: arrival },
    url: `https://www.laposte.fr/outils/suivre-vos-envois?code=${label.trackingNumber}`,
  };
  return { ...base(lang), returnCode: 200, shipment };
}
