// The data panel: what is loaded (shape, class counts), file picking and drag-and-drop, errors.

const MAX_FILE_BYTES = 1024 * 1024 * 1024;

/** Shows what a trainer holds: sizes, image shape and training samples per digit. */
export function showDataset(elements, name, info) {
  const shape = info.imageShape ? `${info.imageShape[0]}×${info.imageShape[1]}` : `${info.features} pixels`;
  elements.summary.textContent =
    `${name}: ${info.trainSamples.toLocaleString('en')} training and ` +
    `${info.testSamples.toLocaleString('en')} test images of ${shape}.`;
  const counts = info.trainClassCounts;
  const most = Math.max(...counts, 1);
  elements.counts.replaceChildren(
    ...counts.map((count, digit) => {
      const column = document.createElement('div');
      column.className = 'count';
      column.title = `${count} training images of ${digit}`;
      const bar = document.createElement('span');
      bar.className = 'count-bar';
      bar.style.height = `${Math.round((count / most) * 100)}%`;
      const label = document.createElement('span');
      label.className = 'count-label';
      label.textContent = String(digit);
      column.append(bar, label);
      return column;
    }),
  );
  elements.counts.setAttribute('aria-label', `Training images per digit: ${counts.map((c, d) => `${d}: ${c}`).join(', ')}`);
  showNotice(elements, info.notices.join(' '));
}

export function showError(element, message) {
  element.textContent = message;
  element.hidden = !message;
}

function showNotice(elements, message) {
  elements.notice.textContent = message;
  elements.notice.hidden = !message;
}

/**
 * Calls `onFile({ name, bytes })` for a file picked or dropped; `onError(message)` when it cannot be read.
 * Drops anywhere on the page are caught so a missed drop zone does not navigate away from the page.
 */
export function acceptFiles({ input, zone }, onFile, onError) {
  const read = async (file) => {
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      onError(`${file.name} is ${(file.size / 2 ** 20).toFixed(0)} MB; files up to 1024 MB are accepted.`);
      return;
    }
    try {
      onFile({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
    } catch (error) {
      onError(`${file.name} could not be read: ${error.message}`);
    }
  };
  input.addEventListener('change', () => {
    read(input.files[0]);
    input.value = '';
  });
  for (const type of ['dragenter', 'dragover']) {
    document.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add('dragging');
    });
  }
  for (const type of ['dragleave', 'drop']) {
    document.addEventListener(type, (event) => {
      event.preventDefault();
      if (type === 'drop' || event.relatedTarget === null) zone.classList.remove('dragging');
    });
  }
  document.addEventListener('drop', (event) => read(event.dataTransfer?.files[0]));
}
