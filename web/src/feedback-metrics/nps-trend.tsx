import { formatNps } from './api';

/**
 * NPS by week as bars above and below a zero line (NPS runs from −100 to +100, which the
 * service's trend chart, drawn from zero up, cannot show). The figures are in the label too.
 */
export function NpsTrend({ points }: { points: Array<{ label: string; score: number | null; count: number }> }) {
  const width = 320;
  const half = 55;
  const bar = points.length ? width / points.length : width;
  const last = [...points].reverse().find((p) => p.score !== null);
  return (
    <figure className="card trend">
      <figcaption className="card__title">
        NPS <span className="muted">latest {formatNps(last?.score ?? null)}</span>
      </figcaption>
      <svg
        viewBox={`0 0 ${width} ${half * 2 + 14}`}
        role="img"
        aria-label={`NPS by week: ${points.map((p) => `${p.label} ${formatNps(p.score)} (${p.count} answers)`).join(', ')}`}
      >
        <line x1={0} x2={width} y1={half} y2={half} stroke="var(--border-strong)" />
        {points.map((p, i) => {
          const h = (Math.abs(p.score ?? 0) / 100) * half;
          const negative = (p.score ?? 0) < 0;
          return (
            <g key={p.label}>
              <rect
                x={i * bar + 2}
                y={negative ? half : half - h}
                width={Math.max(1, bar - 4)}
                height={h}
                rx="2"
                className={negative ? 'nps-trend__bar nps-trend__bar--negative' : 'nps-trend__bar'}
              >
                <title>{`${p.label}: ${formatNps(p.score)} (${p.count} answers)`}</title>
              </rect>
              {i % Math.ceil(points.length / 6) === 0 && (
                <text x={i * bar + 2} y={half * 2 + 12} fontSize="9" fill="currentColor">
                  {p.label.slice(5)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
