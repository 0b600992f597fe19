import { describe, expect, it } from 'vitest';
import { readPageAnswers } from './answers.js';
import type { Definition } from './schemas.js';

const definition: Definition = {
  defaultLanguage: 'en',
  title: { en: 'How did we do?', pl: 'Jak nam poszło?' },
  questions: [
    { id: 'nps', type: 'nps', required: true, text: { en: 'Would you recommend us?', pl: 'Czy poleciłby nas Pan/Pani?' } },
    {
      id: 'pick',
      type: 'single',
      text: { en: 'Which?', pl: 'Które?' },
      choices: [{ id: 'a', text: { en: 'A', pl: 'A' } }],
    },
  ],
};

describe('survey validation messages', () => {
  it('are in the language the survey is shown in, English where Rapport does not speak it', () => {
    const fields = { q_pick: ['b'] };
    const polish = readPageAnswers(definition.questions, fields, 'pl-PL', definition).errors;
    expect(polish).toEqual({ nps: 'Prosimy odpowiedzieć na to pytanie.', pick: 'Prosimy wybrać jedną z podanych odpowiedzi.' });
    expect(readPageAnswers(definition.questions, { q_nps: ['11'] }, 'pl', definition).errors).toEqual({
      nps: 'Prosimy wybrać liczbę od 0 do 10.',
    });
    expect(readPageAnswers(definition.questions, fields, 'en', definition).errors).toEqual({
      nps: 'Please answer this question.',
      pick: 'Choose from the options shown.',
    });
    expect(readPageAnswers(definition.questions, fields, 'cy', definition).errors.nps).toBe('Please answer this question.');
  });
});
