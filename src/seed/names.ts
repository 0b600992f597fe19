import type { Random } from './random.js';

// Name pools for the demo customers. Welsh- and Polish-speaking customers get names from
// their own pools so that a cy-GB or pl-PL preference looks like a real person, and so
// that search and sorting meet diacritics (Siân, Łukasz, Wiśniewska) from the start.

export type Language = 'en-GB' | 'cy-GB' | 'pl-PL';
export type Gender = 'female' | 'male';

interface NamePool {
  female: readonly string[];
  male: readonly string[];
  surnames: readonly string[];
  cities: readonly string[];
}

/** A comma-separated list, written as text so that long lists stay readable. */
function list(text: string): readonly string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

const ENGLISH: NamePool = {
  female: list(`
    Olivia, Amelia, Isla, Ava, Ivy, Freya, Lily, Florence, Mia, Willow, Rosie, Sophia, Isabella,
    Grace, Daisy, Sienna, Poppy, Elsie, Emily, Ella, Evelyn, Phoebe, Sofia, Evie, Charlotte, Harper,
    Matilda, Ruby, Alice, Chloe, Hannah, Sarah, Emma, Laura, Rebecca, Jessica, Lucy, Katie, Claire,
    Nicola, Helen, Rachel, Joanne, Aisha, Fatima, Priya, Amara, Zainab, Niamh, Aoife, Margaret,
    Susan, Patricia, Janet, Linda, Deborah, Yasmin, Chiamaka, Mei, Ananya
  `),
  male: list(`
    Noah, Oliver, George, Arthur, Muhammad, Leo, Harry, Oscar, Archie, Henry, Theodore, Freddie,
    Jack, Charlie, Theo, Alfie, Jacob, Thomas, Finley, Arlo, James, William, Lucas, Edward, Joshua,
    Samuel, Daniel, Benjamin, Isaac, Max, David, Paul, Mark, Andrew, Richard, Stephen, Christopher,
    Michael, Simon, Gary, Ian, Neil, Darren, Craig, Ravi, Arjun, Omar, Yusuf, Kwame, Chinedu, Ciaran,
    Sean, Callum, Ewan, Hamish, Kieran, Ibrahim, Hassan, Wei, Tariq
  `),
  surnames: list(`
    Smith, Jones, Taylor, Brown, Williams, Wilson, Johnson, Davies, Robinson, Wright, Thompson,
    Evans, Walker, White, Roberts, Green, Hall, Wood, Jackson, Clarke, Patel, Khan, Lewis, James,
    Phillips, Mason, Mitchell, Rose, Davis, Rodriguez, Cox, Alexander, Morgan, Moore, Mills, King,
    Lee, Baker, Harris, Scott, Turner, Hill, Cooper, Ward, Morris, Watson, Carter, Parker, Bennett,
    Bailey, Hughes, Edwards, Collins, Stewart, Murphy, O'Brien, Kelly, Campbell, Anderson, Murray,
    MacDonald, McKenzie, Fraser, Reid, Ahmed, Hussain, Ali, Begum, Shah, Singh, Kaur, Chowdhury,
    Okafor, Mensah, Adeyemi, Nguyen, Chen, Wong, Kowalski, Fernandes, Fletcher, Hartley, Holloway,
    Pemberton, Ashworth, Whitfield, Sutcliffe, Barlow, Gallagher, Doyle
  `),
  cities: list(`
    London, London, London, Birmingham, Manchester, Leeds, Glasgow, Liverpool, Bristol, Sheffield,
    Edinburgh, Leicester, Nottingham, Newcastle upon Tyne, Brighton, Southampton, Coventry, Belfast,
    Reading, York, Norwich, Exeter, Plymouth, Oxford, Cambridge, Aberdeen, Derby, Milton Keynes,
    Bradford, Hull
  `),
};

const WELSH: NamePool = {
  female: list(`
    Cerys, Siân, Gwen, Megan, Nia, Carys, Llinos, Bethan, Mared, Elin, Catrin, Ffion, Angharad,
    Eleri, Seren, Lowri
  `),
  male: list(`
    Dafydd, Rhys, Ieuan, Osian, Emyr, Gethin, Aled, Tomos, Iwan, Gruffydd, Owain, Llŷr, Cai,
    Dylan, Huw, Rhodri
  `),
  surnames: list(`
    Jones, Williams, Davies, Evans, Thomas, Roberts, Hughes, Lewis, Morgan, Griffiths, Price,
    Pritchard, Llewellyn, Prosser, Vaughan, Rees, Parry, Bowen, ap Iorwerth, Powell
  `),
  cities: list(`
    Cardiff, Cardiff, Swansea, Newport, Bangor, Aberystwyth, Wrexham, Carmarthen, Caernarfon,
    Llandudno
  `),
};

// Masculine forms; feminine ones are derived (Kowalski → Kowalska).
const POLISH: NamePool = {
  female: list(`
    Zofia, Anna, Katarzyna, Małgorzata, Agnieszka, Magdalena, Joanna, Aleksandra, Natalia, Julia,
    Maja, Ewa, Dorota, Barbara, Monika, Żaneta
  `),
  male: list(`
    Piotr, Krzysztof, Tomasz, Paweł, Michał, Łukasz, Jakub, Kamil, Marcin, Mateusz, Szymon,
    Wojciech, Grzegorz, Andrzej, Bartosz, Rafał
  `),
  surnames: list(`
    Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, Zieliński, Szymański,
    Woźniak, Dąbrowski, Mazur, Krawczyk, Jankowski, Grabowski, Pawłowski
  `),
  cities: list(`
    London, London, Birmingham, Manchester, Peterborough, Southampton, Slough, Boston, Nottingham,
    Edinburgh
  `),
};

const POOLS: Record<Language, NamePool> = { 'en-GB': ENGLISH, 'cy-GB': WELSH, 'pl-PL': POLISH };

export function pickLanguage(random: Random): Language {
  return random.weighted<Language>([
    ['en-GB', 88],
    ['cy-GB', 7],
    ['pl-PL', 5],
  ]);
}

export function pickFirstName(random: Random, language: Language, gender: Gender): string {
  return random.pick(POOLS[language][gender]);
}

/** A family name in its masculine or neutral form; see `surnameFor` for the person's own. */
export function pickSurname(random: Random, language: Language): string {
  const pool = POOLS[language].surnames;
  // A few double-barrelled names, as in any British customer base.
  if (language === 'en-GB' && random.chance(0.04)) return `${random.pick(pool)}-${random.pick(pool)}`;
  return random.pick(pool);
}

/** The surname a person of this gender carries in a family of that name. */
export function surnameFor(familyName: string, language: Language, gender: Gender): string {
  if (language !== 'pl-PL' || gender === 'male') return familyName;
  return familyName.replace(/(sk|ck|dzk)i$/, '$1a');
}

export function pickCity(random: Random, language: Language): string {
  return random.pick(POOLS[language].cities);
}

const asciiCache = new Map<string, string>();

/** A name folded to a–z for an email address: Siân → sian, Łukasz → lukasz, O'Brien → obrien. */
export function asciiName(name: string): string {
  let folded = asciiCache.get(name);
  if (folded === undefined) {
    folded = name
      .replace(/ł/g, 'l')
      .replace(/Ł/g, 'L')
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z]/g, '');
    asciiCache.set(name, folded);
  }
  return folded;
}

// Reserved example domains (RFC 2606) so that demo data can never email a real person.
const EMAIL_DOMAINS: ReadonlyArray<readonly [string, number]> = [
  ['example.com', 40],
  ['example.org', 15],
  ['example.net', 15],
  ['mail.example.com', 15],
  ['inbox.example.org', 10],
  ['post.example.net', 5],
];

/**
 * A lower-case email unique to the customer: every pattern ends in the customer's
 * number and names have no digits, so two customers can never share one.
 */
export function emailFor(random: Random, first: string, last: string, number: number): string {
  const f = asciiName(first);
  const l = asciiName(last) || 'customer';
  const local = random.weighted<string>([
    [`${f}.${l}${number}`, 40],
    [`${f}${l}${number}`, 15],
    [`${f[0] ?? 'x'}${l}${number}`, 15],
    [`${f}_${l}${number}`, 10],
    [`${l}.${f}${number}`, 10],
    [`${f}${number}`, 10],
  ]);
  return `${local}@${random.weighted(EMAIL_DOMAINS)}`;
}
