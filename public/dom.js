// @ts-check
// Small DOM helpers of the demo page.

export const $ = (selector) => document.querySelector(selector);

export function el(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key in element) element[key] = value;
    else element.setAttribute(key, value);
  }
  element.append(...children.filter((child) => child !== null && child !== undefined && child !== ''));
  return element;
}

export const byNewest = (a, b) => Number(b.id) - Number(a.id);

export function relativeTime(iso) {
  const seconds = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 7) return days === 1 ? 'yesterday' : `${days} days ago`;
  return new Date(iso).toLocaleDateString();
}

export function timeAgo(iso) {
  return el('time', {
    className: 'ago',
    dateTime: iso,
    title: new Date(iso).toLocaleString(),
    textContent: relativeTime(iso),
  });
}

export function refreshTimes() {
  for (const time of document.querySelectorAll('time.ago'))
    if (time instanceof HTMLTimeElement) time.textContent = relativeTime(time.dateTime);
}

export function setBadge(selector, count) {
  $(selector).textContent = String(count);
  $(selector).dataset.count = String(count);
}
