import { Resvg } from '@resvg/resvg-js';

/** SVG → PNG with resvg (a prebuilt native renderer from npm: no browser). System fonts are used. */
export function renderPng(svg: string, width = 1200): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: width },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    background: '#f5f7fa',
  });
  return resvg.render().asPng();
}
