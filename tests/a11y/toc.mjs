// Whether any two entries of a report's table of contents overlap on screen, numbers included:
// the number of an entry sits in the margin left of it, so each entry's box is widened by the
// width of its number before the boxes are compared.
export async function tocOverlaps(page) {
  return page.evaluate(() => {
    const items = [...document.querySelectorAll('nav ol > li')];
    const boxes = items.map((item, index) => {
      const probe = document.createElement('span');
      probe.textContent = `${index + 1}.`;
      probe.style.cssText = 'position:absolute;visibility:hidden;white-space:pre';
      item.append(probe);
      const number = probe.getBoundingClientRect().width;
      probe.remove();
      const text = document.createRange();
      text.selectNodeContents(item);
      const lines = [...text.getClientRects()];
      return {
        left: Math.min(...lines.map((r) => r.left)) - number,
        right: Math.max(...lines.map((r) => r.right)),
        top: Math.min(...lines.map((r) => r.top)),
        bottom: Math.max(...lines.map((r) => r.bottom)),
      };
    });
    const overlaps = [];
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b, k) => {
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) overlaps.push(`${i + 1} and ${i + k + 2}`);
    }));
    return { entries: items.length, overlaps };
  });
}
