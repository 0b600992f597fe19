import type { ItemCustomEntity, ItsFunction, WinkMethods } from 'wink-nlp';
import type { SentimentLabel } from './tables.js';

// Text analytics on survey comments with wink-nlp and its English model: a sentiment
// score (−1…1, negation-aware) and themes. A theme is a noun phrase (an optional noun
// modifier and a head noun, adjectives left out) reduced to its lemmas in lower case, so
// "the billing errors" and "a billing error" both count as `billing error`.

export interface CommentAnalysis {
  sentimentScore: number;
  sentimentLabel: SentimentLabel;
  themes: string[];
}

/** Scores within this distance of zero read as neutral. */
const NEUTRAL_BAND = 0.1;
const MAX_THEMES = 8;
/** Nouns too general to say what a comment is about. */
const NOT_THEMES = new Set([
  'thing',
  'lot',
  'time',
  'way',
  'bit',
  'day',
  'today',
  'one',
  'nothing',
  'everything',
  'something',
  'anything',
  'people',
  'kind',
  'sort',
  'year',
  'week',
  'month',
  'minute',
  'hour',
  'experience',
]);

let loading: Promise<{ nlp: WinkMethods }> | undefined;

/** The model is several megabytes: loaded once, on the first comment. */
function load() {
  loading ??= (async () => {
    const [{ default: winkNLP }, { default: model }] = await Promise.all([import('wink-nlp'), import('wink-eng-lite-web-model')]);
    const nlp = winkNLP(model);
    nlp.learnCustomEntities([{ name: 'theme', patterns: ['[NOUN|PROPN] [NOUN]', '[NOUN]'] }]);
    return { nlp };
  })();
  return loading;
}

export function labelOf(score: number): SentimentLabel {
  return score <= -NEUTRAL_BAND ? 'negative' : score >= NEUTRAL_BAND ? 'positive' : 'neutral';
}

/** Sentiment and themes of one comment; null for an empty one. */
export async function analyseComment(text: string | null): Promise<CommentAnalysis | null> {
  const trimmed = text?.trim();
  if (!trimmed) return null;
  const { nlp } = await load();
  const its = nlp.its;
  // wink-nlp's typings declare its.lemma with (index, rdd, addons) while token outputs
  // expect (index, token, cache, addons); the runtime passes what lemma needs.
  const lemmaOf = its.lemma as unknown as ItsFunction<string>;
  const doc = nlp.readDoc(trimmed);
  const raw = Number(doc.out(its.sentiment));
  const sentimentScore = Math.round((Number.isFinite(raw) ? raw : 0) * 1000) / 1000;
  const themes: string[] = [];
  // Nouns are found in the lower-cased text: a capitalised first word ("Great service") is
  // otherwise read as a proper noun and kept as part of the theme.
  nlp
    .readDoc(trimmed.toLowerCase())
    .customEntities()
    .each((entity: ItemCustomEntity) => {
      const lemmas = (entity.tokens().out(lemmaOf) as string[]).map((l) => l.toLowerCase().replace(/[^\p{L}\p{N}-]/gu, '')).filter(Boolean);
      const head = lemmas[lemmas.length - 1];
      if (!head || head.length < 3 || NOT_THEMES.has(head)) return;
      const theme = lemmas.filter((l) => !NOT_THEMES.has(l)).join(' ');
      if (theme && !themes.includes(theme)) themes.push(theme);
    });
  return { sentimentScore, sentimentLabel: labelOf(sentimentScore), themes: themes.slice(0, MAX_THEMES) };
}
