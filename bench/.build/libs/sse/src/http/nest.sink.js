export class NestSink {
    subscriber;
    response;
    constructor(subscriber, response) {
        this.subscriber = subscriber;
        this.response = response;
    }
    get backpressured() {
        return this.response.writableNeedDrain;
    }
    write(event) {
        this.subscriber.next({
            type: event.event,
            id: event.id,
            retry: event.retry,
            data: event.data,
        });
    }
    end() {
        this.subscriber.complete();
    }
}
