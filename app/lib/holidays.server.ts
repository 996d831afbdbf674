// The official holidays' door to the data layer and services (issue 15 §2), for /admin/holidays only.
export * as holidays from "../../db/repos/holidays";
export { addHoliday, HolidayError, removeHoliday } from "../../services/holidays";
