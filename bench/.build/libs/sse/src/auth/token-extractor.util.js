import { HttpStatus } from '@nestjs/common';
import { SseHttpException } from '../http/sse-http.exception.js';
export function extractSseToken(request, sources = {}) {
    const queryToken = readQueryToken(request);
    if (queryToken !== undefined && !sources.allowQueryToken) {
        throw new SseHttpException(HttpStatus.BAD_REQUEST, 'query_token_not_allowed', 'Tokens in the URL are not accepted. Send "Authorization: Bearer <token>" or the token cookie.');
    }
    const header = request.headers.authorization;
    if (header !== undefined) {
        const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header.trim());
        return match?.[1];
    }
    if (sources.cookieName) {
        const cookie = readCookie(request.headers.cookie, sources.cookieName);
        if (cookie)
            return cookie;
    }
    return queryToken || undefined;
}
function readQueryToken(request) {
    const queryIndex = request.url?.indexOf('?') ?? -1;
    if (queryIndex < 0)
        return undefined;
    const params = new URLSearchParams(request.url.slice(queryIndex + 1));
    return params.get('access_token') ?? undefined;
}
function readCookie(header, name) {
    if (!header)
        return undefined;
    for (const part of header.split(';')) {
        const eq = part.indexOf('=');
        if (eq < 0 || part.slice(0, eq).trim() !== name)
            continue;
        const raw = part
            .slice(eq + 1)
            .trim()
            .replace(/^"(.*)"$/, '$1');
        try {
            return decodeURIComponent(raw);
        }
        catch {
            return undefined;
        }
    }
    return undefined;
}
