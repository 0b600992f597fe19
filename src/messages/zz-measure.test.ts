import { it } from 'vitest';
import { renderTemplateText, TEMPLATE_LIMITS } from './template-engine.js';
it('measure', () => {
  const list = Array.from({ length: 50_000 }, (_, i) => ({ a: { a: { a: i } }, s: `item ${50000 - i}` }));
  const strs = list.map((x) => x.s);
  const path = Array.from({ length: 3000 }, () => 'a').join('.');
  const cond = Array.from({ length: 500 }, () => '1 > 2').join(' or ');
  const probes = [
    `{{ data.strs | sort_natural | size }}`,
    `{{ data.strs | sort | size }}`,
    `{{ data.list | map: "${path}" | size }}`,
    `{{ data.list | sum: "${path}" }}`,
    `{{ data.list | where: "${path}", 3 | size }}`,
    `{{ data.list | sort: "s" | size }}`,
    `{{ data.strs | uniq | size }}`,
    `{{ data.strs | join: "," | size }}`,
    `{% for i in (1..9999) %}{% if ${cond} %}x{% endif %}{% endfor %}`,
    `{% for i in (1..9999) %}{{ data.strs | sum }}{% endfor %}`,
    `{% for x in data.list %}{% for y in data.list %}{% endfor %}{% endfor %}`,
    `{% for i in (1..1000000) %}x{% endfor %}`,
    `{% for i in (1..100) %}{% for j in (1..200) %}{% endfor %}{% endfor %}`,
  ];
  for (const p of probes) {
    const t0 = performance.now();
    let out = '';
    try {
      out = renderTemplateText(p, { data: { list, strs } }).slice(0, 40);
    } catch (e) {
      out = 'ERR ' + (e as Error).message;
    }
    console.log((performance.now() - t0).toFixed(1), 'ms', p.slice(0, 60), '=>', out);
  }
});
