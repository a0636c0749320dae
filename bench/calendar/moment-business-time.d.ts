import 'moment';

declare module 'moment' {
  interface Moment {
    addWorkingTime(amount: number, unit: 'minutes'): Moment;
  }
}
