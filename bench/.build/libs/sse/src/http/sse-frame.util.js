export function formatFrame(event, id, data, retry) {
    const head = `event: ${event}\nid: ${id}\n`;
    return retry === undefined
        ? `${head}data: ${data}\n\n`
        : `${head}retry: ${retry}\ndata: ${data}\n\n`;
}
export function controlEvent(event, lastId, payload, retry) {
    const data = JSON.stringify(payload);
    return {
        event,
        id: lastId,
        data,
        retry,
        frame: formatFrame(event, lastId, data, retry),
        isMessage: false,
    };
}
export function isWellFormedEventId(id) {
    return typeof id === 'string' && /^[\x21-\x7e]{1,128}$/.test(id);
}
