import { Link } from 'react-router';
import { Page } from './components/page';

export default function NotFoundPage() {
  return (
    <Page title="Page not found">
      <div className="card">
        <p>There is no page at this address. It may have moved, or the link may be incomplete.</p>
        <p>
          <Link to="/">Go to the start page</Link>
        </p>
      </div>
    </Page>
  );
}
