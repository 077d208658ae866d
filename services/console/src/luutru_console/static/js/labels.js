// @ts-check
// What each field of the APIs' bodies is called, in Vietnamese and English, written once for
// every page: a guest's and a stay's fields, a trip's and its passengers', an account's and a
// facility's. Forms label their inputs with it, tables head their columns with it, error lists
// and the upload's column mapping name the field with it — so a field has one name wherever a
// person meets it. A form may add words around the name (a hint, "if any"), never rename it.
import { messages, t } from "./i18n.js";

/** @type {Record<string, [vi: string, en: string]>} */
const NAMES = {
  // a guest
  full_name: ["Họ và tên", "Full name"],
  family_name: ["Họ", "Surname"],
  given_name: ["Tên", "Given name"],
  date_of_birth: ["Ngày sinh", "Date of birth"],
  gender: ["Giới tính", "Gender"],
  document_type: ["Loại giấy tờ", "Document type"],
  document_number: ["Số giấy tờ", "Document number"],
  id_number: ["Số định danh cá nhân", "Personal ID number"],
  legacy_id_number: ["Số CMND cũ", "Old ID card number"],
  passport_number: ["Số hộ chiếu", "Passport number"],
  nationality: ["Quốc tịch", "Nationality"],
  country_of_residence: ["Nước cư trú", "Country of residence"],
  visa_type: ["Loại thị thực", "Visa type"],
  visa_number: ["Số thị thực", "Visa number"],
  entry_date: ["Ngày nhập cảnh", "Entry date"],
  entry_port: ["Cửa khẩu nhập cảnh", "Port of entry"],
  accompanying_adult_document: ["Giấy tờ của người đi cùng", "Accompanying adult's document"],
  relationship: ["Quan hệ với người đi cùng", "Relationship to the accompanying adult"],
  qr: ["Mã QR trên thẻ", "QR code on the card"],
  // a stay
  room: ["Phòng / giường", "Room / bed"],
  room_id: ["Phòng", "Room"],
  moved_at: ["Giờ chuyển phòng", "Time of the move"],
  // a room of the registry
  number: ["Số phòng", "Room number"],
  floor: ["Tầng", "Floor"],
  kind: ["Loại phòng", "Kind of room"],
  range: ["Dãy số phòng", "Range of room numbers"],
  check_in_at: ["Thời điểm đến", "Arrival time"],
  check_in_time: ["Giờ đến", "Time of arrival"],
  check_out_at: ["Giờ trả phòng", "Check-out time"],
  expected_check_out: ["Ngày đi dự kiến", "Expected check-out"],
  reason: ["Lý do", "Reason"],
  // a coach trip and its passengers
  seat: ["Số ghế", "Seat"],
  boarding_point: ["Điểm đón", "Boarding point"],
  alighting_point: ["Điểm trả", "Alighting point"],
  plate: ["Biển số xe", "Plate"],
  origin_province: ["Tỉnh đi", "Origin province"],
  destination_province: ["Tỉnh đến", "Destination province"],
  departure_at: ["Giờ xuất bến", "Departure"],
  seats: ["Số ghế trên xe", "Seats on the coach"],
  // an account, a lookup
  role: ["Vai trò", "Role"],
  purpose: ["Mục đích tra cứu", "Purpose"],
  case_reference: ["Số hồ sơ/vụ việc", "Case or dossier reference"],
  note: ["Ghi chú", "Note"],
  username: ["Tên đăng nhập", "Username"],
  password: ["Mật khẩu", "Password"],
  new_password: ["Mật khẩu mới", "New password"],
  department: ["Sở, ngành", "Department"],
  // a facility
  facility_type: ["Loại cơ sở", "Facility type"],
  facility_id: ["Cơ sở", "Facility"],
  name: ["Tên", "Name"],
  star_rating: ["Hạng sao", "Star rating"],
  province_code: ["Tỉnh, thành phố", "Province"],
  commune_code: ["Xã, phường", "Commune"],
  communes: ["Xã, phường", "Communes"],
  business_licence_number: ["Số giấy phép kinh doanh", "Business licence number"],
  address: ["Địa chỉ", "Address"],
  rooms: ["Số phòng", "Rooms"],
  beds: ["Số giường", "Beds"],
  vehicles: ["Số xe", "Vehicles"],
  zone: ["Khu công nghiệp, khu kinh tế", "Industrial or economic zone"],
  contact_phone: ["Điện thoại liên hệ", "Contact phone"],
  contact_email: ["Thư điện tử liên hệ", "Contact e-mail"],
  // a query
  code: ["Mã", "Code"],
  limit: ["Số dòng tối đa", "Row limit"],
  date: ["Ngày", "Date"],
  date_from: ["Từ ngày", "From"],
  date_to: ["Đến ngày", "To"],
};

const entries = Object.entries(NAMES);
messages({
  vi: Object.fromEntries(entries.map(([field, [vi]]) => [`field.${field}`, vi])),
  en: Object.fromEntries(entries.map(([field, [, en]]) => [`field.${field}`, en])),
});

/**
 * The field's name in the user's language ("date_of_birth" → "Ngày sinh"); "" for a field the
 * console has no name for, so a key is never shown in its place.
 * @param {string} field
 * @returns {string}
 */
export function fieldLabel(field) {
  return Object.hasOwn(NAMES, field) ? t(`field.${field}`) : "";
}

/**
 * Whether the console has a name for the field.
 * @param {string} field
 */
export const hasFieldLabel = (field) => Object.hasOwn(NAMES, field);

/**
 * The field's names in Vietnamese and English (the guest's page, which speaks four languages
 * and not through i18n.js, names the fields as the console does).
 * @param {string} field
 * @returns {[vi: string, en: string] | null}
 */
export const fieldNames = (field) => (Object.hasOwn(NAMES, field) ? NAMES[field] : null);
