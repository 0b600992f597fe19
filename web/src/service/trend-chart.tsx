/** A small bar chart over time, drawn as SVG, with the figures also in a text summary for screen readers. */
export function TrendChart({
  title,
  points,
  format,
}: {
  title: string;
  points: Array<{ label: string; value: number | null }>;
  format(value: number | null): string;
}) {
  const values = points.map((p) => p.value ?? 0);
  const max = Math.max(1, ...values);
  const width = 320;
  const height = 110;
  const bar = points.length ? width / points.length : width;
  const last = points[points.length - 1];
  return (
    <figure className="card trend">
      <figcaption className="card__title">
        {title} <span className="muted">latest {format(last?.value ?? null)}</span>
      </figcaption>
      <svg
        viewBox={`0 0 ${width} ${height + 14}`}
        role="img"
        aria-label={`${title} by week: ${points.map((p) => `${p.label} ${format(p.value)}`).join(', ')}`}
      >
        {points.map((p, i) => {
          const h = ((p.value ?? 0) / max) * height;
          return (
            <g key={p.label}>
              <rect x={i * bar + 2} y={height - h} width={Math.max(1, bar - 4)} height={h} fill="var(--accent, #3657d6)" rx="2">
                <title>{`${p.label}: ${format(p.value)}`}</title>
              </rect>
              {i % Math.ceil(points.length / 6) === 0 && (
                <text x={i * bar + 2} y={height + 12} fontSize="9" fill="currentColor">
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
