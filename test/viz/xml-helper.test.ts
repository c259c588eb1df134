import { describe, expect, it } from 'vitest';
import { findAll, parseXml } from '../helpers/xml.js';

describe('parseXml (test helper)', () => {
  it('accepts well-formed documents and builds a tree', () => {
    const root = parseXml(
      '<?xml version="1.0"?>\n<!-- c --><svg a="1" b=\'x &amp; y\'><g><text>1 &lt; 2 &#65;&#x42;</text><![CDATA[<raw>]]></g><rect/></svg>\n',
    );
    expect(root.name).toBe('svg');
    expect(root.attrs.b).toBe('x & y');
    expect(findAll(root, 'text')[0].text).toBe('1 < 2 AB');
    expect(findAll(root, 'g')[0].text).toBe('<raw>');
    expect(findAll(root, 'rect')).toHaveLength(1);
  });

  it.each([
    ['an unclosed element', '<a><b></a>'],
    ['a mismatched end tag', '<a></b>'],
    ['no root', '  '],
    ['two roots', '<a/><b/>'],
    ['text outside the root', '<a/>x'],
    ['a raw < in an attribute', '<a t="<"/>'],
    ['a bare ampersand', '<a>x & y</a>'],
    ['an unknown entity', '<a>&nbsp;</a>'],
    ['an unquoted attribute', '<a t=1/>'],
    ['a duplicate attribute', '<a t="1" t="2"/>'],
    ['attributes without whitespace', '<a t="1"u="2"/>'],
    ['a control character', '<a>\u0001</a>'],
    ['a lone surrogate', '<a>\ud800</a>'],
    ['a bad comment', '<a><!-- a -- b --></a>'],
    ['an unterminated tag', '<a'],
  ])('rejects %s', (_name, xml) => {
    expect(() => parseXml(xml)).toThrow(/^XML: /);
  });
});
