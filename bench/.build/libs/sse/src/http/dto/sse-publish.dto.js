var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { Allow, IsIn, IsNotEmpty, IsString, Matches, ValidateIf, } from 'class-validator';
import { SSE_EVENT_NAME_PATTERN, SSE_TOPIC_PATTERN, } from '../../broker/sse-validation.util.js';
export class SsePublishDto {
    target;
    userId;
    topic;
    event;
    data;
}
__decorate([
    IsIn(['user', 'topic', 'broadcast'], {
        message: "target must be 'user', 'topic' or 'broadcast'",
    }),
    __metadata("design:type", String)
], SsePublishDto.prototype, "target", void 0);
__decorate([
    ValidateIf((body) => body.target === 'user'),
    IsString({ message: "userId is required when target is 'user'" }),
    IsNotEmpty({ message: "userId is required when target is 'user'" }),
    __metadata("design:type", String)
], SsePublishDto.prototype, "userId", void 0);
__decorate([
    ValidateIf((body) => body.target === 'topic'),
    IsString({ message: "topic is required when target is 'topic'" }),
    Matches(SSE_TOPIC_PATTERN, {
        message: 'topic must be 1-128 characters of letters, digits and "_ . : - /"',
    }),
    __metadata("design:type", String)
], SsePublishDto.prototype, "topic", void 0);
__decorate([
    IsString({ message: 'event is required' }),
    Matches(SSE_EVENT_NAME_PATTERN, {
        message: 'event must match [A-Za-z0-9_.:-]{1,64}',
    }),
    __metadata("design:type", String)
], SsePublishDto.prototype, "event", void 0);
__decorate([
    Allow(),
    __metadata("design:type", Object)
], SsePublishDto.prototype, "data", void 0);
