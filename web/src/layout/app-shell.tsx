import { Suspense, useState, type FormEvent } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { Icon } from '../components/icons';
import { Loading } from '../components/states';
import { humanize } from '../components/format';
import { currentEntry, navigationFor } from '../pages';
import { useMe, useSession } from '../session/session';
import { ErrorBoundary } from './error-boundary';

/** The signed-in frame: navigation, quick search, who is signed in, and the page. */
export function AppShell() {
  const me = useMe();
  const { signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [query, setQuery] = useState('');
  const [signingOut, setSigningOut] = useState(false);
  // On narrow screens the menu opens from a button; it is open on the page it was opened on, so moving on closes it.
  const [menuOpenAt, setMenuOpenAt] = useState<string | null>(null);
  const menuOpen = menuOpenAt === location.pathname;
  const entries = navigationFor(me.role);
  const current = currentEntry(entries, location.pathname);

  function search(event: FormEvent) {
    event.preventDefault();
    const q = query.trim();
    if (q) navigate(`/customers?q=${encodeURIComponent(q)}`);
  }

  async function handleSignOut() {
    setSigningOut(true);
    try {
      // Signed out, the shell's guard sends the person to sign-in.
      await signOut();
    } catch {
      // The session is unchanged; the button is usable again.
      setSigningOut(false);
    }
  }

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className={menuOpen ? 'sidebar sidebar--open' : 'sidebar'}>
        <div className="sidebar__top">
          <div className="brand">
            <img src="/favicon.svg" alt="" width={28} height={28} />
            <span>Rapport</span>
          </div>
          <button
            type="button"
            className="menu-button"
            aria-expanded={menuOpen}
            aria-controls="main-menu"
            onClick={() => setMenuOpenAt(menuOpen ? null : location.pathname)}
          >
            <Icon name="menu" />
            <span>Menu</span>
          </button>
        </div>
        <div
          id="main-menu"
          className="sidebar__menu"
          onKeyDown={(event) => {
            if (event.key === 'Escape') setMenuOpenAt(null);
          }}
        >
          <nav aria-label="Main" className="nav">
            <ul>
              {entries.map((page) => (
                <li key={page.path}>
                  <Link
                    to={page.path}
                    className={page === current ? 'nav__link active' : 'nav__link'}
                    aria-current={page === current ? 'page' : undefined}
                  >
                    <Icon name={page.nav.icon} />
                    <span>{page.nav.label}</span>
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <div className="sidebar__workspace" title="Workspace">
            {me.workspace.name}
          </div>
        </div>
      </aside>
      <div className="shell__body">
        <header className="topbar">
          <form role="search" className="quick-search" onSubmit={search} aria-label="Find a customer">
            <Icon name="search" />
            <input
              type="search"
              aria-label="Find a customer by name, email, phone or id"
              placeholder="Find a customer by name, email, phone or id"
              value={query}
              onChange={(event) => setQuery(event.target.value)}
            />
          </form>
          <div className="user" aria-label="Signed in">
            <span className="user__avatar" aria-hidden="true">
              {initials(me.user.name)}
            </span>
            <span className="user__text">
              <span className="user__name">{me.user.name}</span>
              <span className="user__role">{humanize(me.role)}</span>
            </span>
            <button type="button" className="button button--ghost" onClick={handleSignOut} disabled={signingOut}>
              <Icon name="signOut" />
              <span className="topbar__label">{signingOut ? 'Signing out…' : 'Sign out'}</span>
            </button>
          </div>
        </header>
        <main id="main" className="main">
          {/* A page that fails to render shows its error; the key resets it when the person moves on. */}
          <ErrorBoundary key={location.pathname}>
            <Suspense fallback={<Loading label="Loading page…" />}>
              <Outlet />
            </Suspense>
          </ErrorBoundary>
        </main>
      </div>
    </div>
  );
}

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase() ?? '')
    .join('');
}
