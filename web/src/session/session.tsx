import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, setUnauthenticatedHandler } from '../api';
import type { Me } from '../api-types';

type SessionState = { status: 'loading' } | { status: 'signed-out' } | { status: 'signed-in'; me: Me };

interface SessionContextValue {
  state: SessionState;
  signIn(input: { email: string; password: string; workspace?: string }): Promise<Me>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

/** Knows who is signed in: asks the server once on start, then follows sign-in, sign-out and expiry. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  useEffect(() => {
    const controller = new AbortController();
    api.get<{ session: Me | null }>('/auth/session', { signal: controller.signal }).then(
      ({ session }) => setState(session ? { status: 'signed-in', me: session } : { status: 'signed-out' }),
      (error: unknown) => {
        if (!controller.signal.aborted) {
          console.warn('Could not read the session', error);
          setState({ status: 'signed-out' });
        }
      },
    );
    setUnauthenticatedHandler(() => setState({ status: 'signed-out' }));
    return () => {
      controller.abort();
      setUnauthenticatedHandler(undefined);
    };
  }, []);

  const signIn = useCallback(async (input: { email: string; password: string; workspace?: string }) => {
    const me = await api.post<Me>('/auth/sign-in', input);
    setState({ status: 'signed-in', me });
    return me;
  }, []);

  const signOut = useCallback(async () => {
    await api.post<void>('/auth/sign-out');
    setState({ status: 'signed-out' });
  }, []);

  const value = useMemo(() => ({ state, signIn, signOut }), [state, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
}

/** The signed-in person; only for components rendered inside <RequireSession>. */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useMe needs a signed-in session');
  return state.me;
}
