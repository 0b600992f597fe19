import { Link } from 'react-router';
import { humanize } from './components/format';
import { Page } from './components/page';
import { useMe } from './session/session';

/** What a person sees on a page their role may not open (followed from a link): why, and a way on. */
export default function NotAllowedPage() {
  const me = useMe();
  return (
    <Page title="Not available to your role">
      <div className="card" role="alert">
        <p>
          This page is not open to the {humanize(me.role).toLowerCase()} role in {me.workspace.name}. If you need it, ask an admin of the
          workspace.
        </p>
        <p>
          <Link to="/">Go to the start page</Link>
        </p>
      </div>
    </Page>
  );
}
