export class SseError extends Error {
    constructor(message) {
        super(`sse: ${message}`);
        this.name = new.target.name;
    }
}
