import { useEffect, useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../api';
import { Loading } from '../components/states';
import { safeNext } from '../session/require-session';
import { useSession } from '../session/session';

export default function SignInPage() {
  const { state, signIn } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  useEffect(() => {
    document.title = 'Sign in · Rapport';
  }, []);

  if (state.status === 'loading') return <Loading label="Starting Rapport…" fullPage />;
  if (state.status === 'signed-in' && !submitting) return <Navigate to={next} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitting(true);
    setError(null);
    try {
      await signIn({ email: email.trim(), password });
      navigate(next, { replace: true });
    } catch (caught) {
      setSubmitting(false);
      if (caught instanceof ApiError && caught.status === 401) setError('That email and password do not match an account.');
      else if (caught instanceof ApiError && caught.status === 429) setError(`Too many attempts. ${caught.message}`);
      else setError(caught instanceof Error ? caught.message : 'Sign-in failed.');
    }
  }

  return (
    <div className="sign-in">
      <main className="sign-in__card">
        <div className="brand brand--large">
          <img src="/favicon.svg" alt="" width={40} height={40} />
          <span>Rapport</span>
        </div>
        <h1 className="sign-in__title">Sign in</h1>
        <p className="muted">Everything about every customer, in one place.</p>
        <form onSubmit={submit} className="form" noValidate={false}>
          <label className="field">
            <span className="field__label">Email</span>
            <input
              type="email"
              name="email"
              autoComplete="username"
              required
              autoFocus
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          </label>
          <label className="field">
            <span className="field__label">Password</span>
            <input
              type="password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          </label>
          {error && (
            <p className="form__error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="button button--primary button--block" disabled={submitting}>
            {submitting ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </main>
    </div>
  );
}
