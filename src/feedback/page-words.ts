// What the survey page says around the survey's own texts (buttons, scale ends, thanks, link
// problems and the messages beside a question answered wrongly), in the languages Rapport
// speaks; any other language reads English. The survey's questions come from its definition.

const WORDS: Record<string, Record<string, string>> = {
  en: {
    next: 'Next',
    submit: 'Send my answers',
    pageOf: 'Page {n} of {total}',
    errors: 'Please check the questions marked below.',
    npsLow: '0 = not at all likely',
    npsHigh: '10 = extremely likely',
    csatLow: '1 = very dissatisfied',
    csatHigh: '5 = very satisfied',
    cesLow: '1 = strongly disagree',
    cesHigh: '7 = strongly agree',
    optional: '(optional)',
    thanksTitle: 'Thank you',
    promoter: 'Thank you! We are glad it went well, and we will pass your kind words on to the team.',
    passive: 'Thank you. We read every answer, and yours will help us do better.',
    detractor:
      'Thank you for telling us honestly. We are sorry it was not better: someone from our team will contact you shortly to put it right.',
    other: 'Thank you for your answers.',
    change: 'Change my answers',
    invalid: 'This survey link is not valid. Please use the link exactly as it was sent to you.',
    expired: 'This survey link has expired. Thank you for wanting to answer all the same.',
    closed: 'This survey is closed. Thank you for wanting to answer all the same.',
    staffTitle: 'Signed in as staff',
    staff:
      'This browser is signed in to Rapport as staff, and survey answers must come from customers. Sign out, or ask the customer to answer from their own device.',
    required: 'Please answer this question.',
    outOfScale: 'Choose a number from {min} to {max}.',
    tooLong: 'Please keep it under {max} characters.',
    notOffered: 'Choose from the options shown.',
    oneOption: 'Choose one option.',
  },
  pl: {
    next: 'Dalej',
    submit: 'Wyślij odpowiedzi',
    pageOf: 'Strona {n} z {total}',
    errors: 'Prosimy sprawdzić zaznaczone pytania.',
    npsLow: '0 = zdecydowanie nie',
    npsHigh: '10 = zdecydowanie tak',
    csatLow: '1 = bardzo niezadowolony',
    csatHigh: '5 = bardzo zadowolony',
    cesLow: '1 = zdecydowanie się nie zgadzam',
    cesHigh: '7 = zdecydowanie się zgadzam',
    optional: '(opcjonalnie)',
    thanksTitle: 'Dziękujemy',
    promoter: 'Dziękujemy! Cieszymy się, że wszystko poszło dobrze. Przekażemy Pana/Pani słowa zespołowi.',
    passive: 'Dziękujemy. Czytamy każdą odpowiedź, a Pana/Pani pomoże nam działać lepiej.',
    detractor: 'Dziękujemy za szczerość. Przykro nam, że nie było lepiej: ktoś z naszego zespołu wkrótce się skontaktuje, aby to naprawić.',
    other: 'Dziękujemy za odpowiedzi.',
    change: 'Zmień odpowiedzi',
    invalid: 'Ten link do ankiety jest nieprawidłowy. Prosimy użyć linku dokładnie w takiej postaci, w jakiej został wysłany.',
    expired: 'Ten link do ankiety wygasł. Mimo to dziękujemy za chęć odpowiedzi.',
    closed: 'Ta ankieta jest zamknięta. Mimo to dziękujemy za chęć odpowiedzi.',
    staffTitle: 'Zalogowano jako pracownik',
    staff:
      'Ta przeglądarka jest zalogowana do Rapport jako pracownik, a odpowiedzi muszą pochodzić od klientów. Prosimy się wylogować albo poprosić klienta o odpowiedź na jego własnym urządzeniu.',
    required: 'Prosimy odpowiedzieć na to pytanie.',
    outOfScale: 'Prosimy wybrać liczbę od {min} do {max}.',
    tooLong: 'Prosimy zmieścić odpowiedź w {max} znakach.',
    notOffered: 'Prosimy wybrać jedną z podanych odpowiedzi.',
    oneOption: 'Prosimy wybrać jedną odpowiedź.',
  },
};

/** The page's words in a language (its primary tag: pl-PL reads Polish), English when Rapport does not speak it. */
export function pageWords(language: string): Record<string, string> {
  return WORDS[language.split('-')[0] ?? 'en'] ?? (WORDS.en as Record<string, string>);
}

/** One of the page's words with its {placeholders} filled in. */
export function pageWord(language: string, key: string, values: Record<string, string | number> = {}): string {
  const text = pageWords(language)[key] ?? WORDS.en?.[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
