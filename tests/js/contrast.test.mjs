// The contrast maths that picks black or white numbers on the confusion matrix's coloured cells.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BLACK, WHITE, cellBackground, contrast, luminance, whiteTextOn } from '../../www/dom/contrast.js';

test('luminance and contrast follow WCAG 2', () => {
  assert.equal(luminance(WHITE), 1);
  assert.equal(luminance(BLACK), 0);
  assert.equal(contrast(WHITE, BLACK), 21);
  assert.equal(contrast(BLACK, WHITE), 21, 'either order');
  // Values as axe reported them: white on #6aa0d2 is 2.77:1, the page's ink #1d2430 on #d95f02 is 4.14:1.
  assert.ok(Math.abs(contrast(WHITE, [0x6a, 0xa0, 0xd2]) - 2.77) < 0.01);
  assert.ok(Math.abs(contrast([0x1d, 0x24, 0x30], [0xd9, 0x5f, 0x02]) - 4.14) < 0.01);
});

test('a cell is painted as the CSS paints it', () => {
  assert.deepEqual(cellBackground(0, true), WHITE);
  assert.deepEqual(cellBackground(1, true), [11, 99, 181]);
  assert.deepEqual(cellBackground(0.5, true), [133, 177, 218]);
  assert.deepEqual(cellBackground(0.4, false), [217, 95, 2], 'a miss is at full colour from a third on');
  assert.deepEqual(cellBackground(0.9, true), [35, 115, 188]);
});

test('every cell, hit or miss, gets numbers at 4.5:1 or more', () => {
  for (const hit of [true, false]) {
    for (let i = 0; i <= 1000; i += 1) {
      const background = cellBackground(i / 1000, hit);
      const ratio = contrast(whiteTextOn(background) ? WHITE : BLACK, background);
      assert.ok(ratio >= 4.5, `share ${i / 1000}, ${hit ? 'hit' : 'miss'}: ${ratio.toFixed(2)}:1`);
    }
  }
  assert.equal(whiteTextOn(cellBackground(1, true)), true, 'a full hit: white');
  assert.equal(whiteTextOn(cellBackground(0.1, true)), false, 'a pale one: black');
  assert.equal(whiteTextOn(cellBackground(0.5, false)), false, 'the orange: black');
});
