export function toMessageEvent(message) {
    return {
        id: message.id,
        type: message.event,
        data: JSON.stringify(message.data),
    };
}
