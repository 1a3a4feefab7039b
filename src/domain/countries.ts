/**
 * ISO 3166-1 country codes: the full alpha-2 -> alpha-3 table of the 249 officially assigned
 * codes (ISO 3166 Maintenance Agency, 2024 state), for carriers whose wire format wants alpha-3.
 * Also the EU member list, which decides whether a cross-border shipment needs customs data.
 */

// Two-letter code followed by its three-letter code, grouped by first letter for review.
const TABLE = `
AD AND AE ARE AF AFG AG ATG AI AIA AL ALB AM ARM AO AGO AQ ATA AR ARG AS ASM AT AUT AU AUS AW ABW AX ALA AZ AZE
BA BIH BB BRB BD BGD BE BEL BF BFA BG BGR BH BHR BI BDI BJ BEN BL BLM BM BMU BN BRN BO BOL BQ BES BR BRA BS BHS
BT BTN BV BVT BW BWA BY BLR BZ BLZ
CA CAN CC CCK CD COD CF CAF CG COG CH CHE CI CIV CK COK CL CHL CM CMR CN CHN CO COL CR CRI CU CUB CV CPV CW CUW
CX CXR CY CYP CZ CZE
DE DEU DJ DJI DK DNK DM DMA DO DOM DZ DZA
EC ECU EE EST EG EGY EH ESH ER ERI ES ESP ET ETH
FI FIN FJ FJI FK FLK FM FSM FO FRO FR FRA
GA GAB GB GBR GD GRD GE GEO GF GUF GG GGY GH GHA GI GIB GL GRL GM GMB GN GIN GP GLP GQ GNQ GR GRC GS SGS GT GTM
GU GUM GW GNB GY GUY
HK HKG HM HMD HN HND HR HRV HT HTI HU HUN
ID IDN IE IRL IL ISR IM IMN IN IND IO IOT IQ IRQ IR IRN IS ISL IT ITA
JE JEY JM JAM JO JOR JP JPN
KE KEN KG KGZ KH KHM KI KIR KM COM KN KNA KP PRK KR KOR KW KWT KY CYM KZ KAZ
LA LAO LB LBN LC LCA LI LIE LK LKA LR LBR LS LSO LT LTU LU LUX LV LVA LY LBY
MA MAR MC MCO MD MDA ME MNE MF MAF MG MDG MH MHL MK MKD ML MLI MM MMR MN MNG MO MAC MP MNP MQ MTQ MR MRT MS MSR
MT MLT MU MUS MV MDV MW MWI MX MEX MY MYS MZ MOZ
NA NAM NC NCL NE NER NF NFK NG NGA NI NIC NL NLD NO NOR NP NPL NR NRU NU NIU NZ NZL
OM OMN
PA PAN PE PER PF PYF PG PNG PH PHL PK PAK PL POL PM SPM PN PCN PR PRI PS PSE PT PRT PW PLW PY PRY
QA QAT
RE REU RO ROU RS SRB RU RUS RW RWA
SA SAU SB SLB SC SYC SD SDN SE SWE SG SGP SH SHN SI SVN SJ SJM SK SVK SL SLE SM SMR SN SEN SO SOM SR SUR SS SSD
ST STP SV SLV SX SXM SY SYR SZ SWZ
TC TCA TD TCD TF ATF TG TGO TH THA TJ TJK TK TKL TL TLS TM TKM TN TUN TO TON TR TUR TT TTO TV TUV TW TWN TZ TZA
UA UKR UG UGA UM UMI US USA UY URY UZ UZB
VA VAT VC VCT VE VEN VG VGB VI VIR VN VNM VU VUT
WF WLF WS WSM
YE YEM YT MYT
ZA ZAF ZM ZMB ZW ZWE
`;

function parseTable(text: string): Record<string, string> {
  const tokens = text.split(/\s+/).filter(Boolean);
  const map: Record<string, string> = {};
  for (let i = 0; i + 1 < tokens.length; i += 2) map[tokens[i]!] = tokens[i + 1]!;
  return map;
}

/** Alpha-2 -> alpha-3 for every assigned ISO 3166-1 code. */
export const ALPHA2_TO_ALPHA3: Readonly<Record<string, string>> = Object.freeze(parseTable(TABLE));

/** Alpha-3 -> alpha-2 (the inverse table). */
export const ALPHA3_TO_ALPHA2: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(Object.entries(ALPHA2_TO_ALPHA3).map(([a2, a3]) => [a3, a2])),
);

/** The alpha-3 code of an alpha-2 code (case-insensitive), or undefined when it is not assigned. */
export const toAlpha3 = (alpha2: string): string | undefined => ALPHA2_TO_ALPHA3[alpha2.toUpperCase()];

/** The alpha-2 code of an alpha-3 code (case-insensitive), or undefined when it is not assigned. */
export const toAlpha2 = (alpha3: string): string | undefined => ALPHA3_TO_ALPHA2[alpha3.toUpperCase()];

/** The 27 member states of the European Union (customs union: no export declaration between them). */
export const EU_MEMBERS: ReadonlySet<string> = new Set([
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
]);

export const isEuMember = (alpha2: string): boolean => EU_MEMBERS.has(alpha2.toUpperCase());
