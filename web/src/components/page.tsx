import { useEffect, useRef, type ReactNode } from 'react';

interface PageProps {
  /** The page's heading, also the browser tab's title. */
  title: string;
  /** A line under the heading. */
  subtitle?: ReactNode;
  /** Buttons or links at the right of the heading. */
  actions?: ReactNode;
  children: ReactNode;
}

/**
 * Every page's frame: one h1, the document title, and focus moved to the heading when the
 * page opens, so keyboard and screen-reader users start at the new page's top.
 */
export function Page({ title, subtitle, actions, children }: PageProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Rapport`;
  }, [title]);
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <div className="page">
      <header className="page__header">
        <div>
          <h1 ref={heading} tabIndex={-1} className="page__title">
            {title}
          </h1>
          {subtitle && <div className="page__subtitle">{subtitle}</div>}
        </div>
        {actions && <div className="page__actions">{actions}</div>}
      </header>
      {children}
    </div>
  );
}

/** A titled card: the building block of a page's content. */
export function Section({
  title,
  children,
  actions,
  className,
  id,
}: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
  className?: string;
  id?: string;
}) {
  const headingId = `${id ?? title.toLowerCase().replace(/\W+/g, '-')}-heading`;
  return (
    <section className={`card ${className ?? ''}`} aria-labelledby={headingId} id={id}>
      <div className="card__header">
        <h2 id={headingId} className="card__title">
          {title}
        </h2>
        {actions}
      </div>
      {children}
    </section>
  );
}
