// @ts-check
// The shapes the console's modules share, written once: what the APIs answer (a stay, its
// receipt, a facility, a room, a page of a list, a problem+json), the shell's context and
// routes, and the events of the elements pages listen to. Only JSDoc: this module exports no
// value; pages import a shape with `import("../types.js").Stay`.

/** @typedef {import("./i18n.js").Localized} Localized */
/** @typedef {import("./api.js").Problem} Problem */
/** @typedef {import("./api.js").FieldProblem} FieldProblem */

// ---- DOM events as the templates' handlers receive them (htm gives no contextual type).

/** An input's or a textarea's event, its element typed. @typedef {Event & {currentTarget: HTMLInputElement}} InputEvent_ */
/** @typedef {Event & {currentTarget: HTMLTextAreaElement}} TextAreaEvent */
/** @typedef {Event & {currentTarget: HTMLSelectElement}} SelectEvent */
/** A form's submit. @typedef {SubmitEvent & {currentTarget: HTMLFormElement}} FormEvent */

/** One option of a select: its value and what people read. @typedef {[value: string, label: string]} Choice */

// ---- The APIs' shapes (the services' Pydantic models; dates and times as ISO strings).

/**
 * One page of a list (keyset paging): the items and the cursor of the next page, if any.
 * @template T
 * @typedef {{items: T[], next_cursor: string | null}} Page
 */

/**
 * A facility (accounts' FacilityOut): a hotel, a guesthouse, a coach operator…
 * @typedef {object} Facility
 * @property {string} id
 * @property {string} code
 * @property {string} name
 * @property {string} facility_type
 * @property {number | null} star_rating
 * @property {number} province_code
 * @property {number} commune_code
 * @property {string | null} street
 * @property {string | null} [zone]
 * @property {number | null} rooms
 * @property {number | null} beds
 * @property {number | null} [vehicles]
 * @property {number | null} [seats]
 * @property {string | null} [business_licence_number]
 * @property {string | null} [legal_representative]
 * @property {string | null} [contact_phone]
 * @property {string | null} [contact_email]
 * @property {string} status "active", "suspended" or "closed"
 * @property {string | null} [status_reason]
 * @property {string} created_at
 * @property {string | null} [updated_at]
 */

/**
 * What the server answers a check-in with (ingest's Receipt).
 * @typedef {object} Receipt
 * @property {string} stay_id
 * @property {string} receipt_number
 * @property {string} [facility_id]
 * @property {string} received_at
 * @property {string} due_at
 * @property {boolean} [on_time]
 * @property {number} late_minutes
 * @property {string} [status]
 * @property {number} [version]
 * @property {FieldProblem[]} [warnings]
 */

/**
 * A stay as its facility reads it (ingest's StayView: GET /v1/stays, /v1/stays/{id}). Dates
 * are "YYYY-MM-DD", times ISO 8601 with their offset.
 * @typedef {object} Stay
 * @property {string} stay_id
 * @property {string} receipt_number
 * @property {"checked_in" | "checked_out" | "voided"} status
 * @property {number} version
 * @property {string} full_name
 * @property {string} date_of_birth
 * @property {string} gender
 * @property {string} document_type
 * @property {string} document_number
 * @property {string} nationality
 * @property {string} country_of_residence
 * @property {string | null} [legacy_id_number]
 * @property {string | null} [visa_type]
 * @property {string | null} [visa_number]
 * @property {string | null} [entry_date]
 * @property {string | null} [entry_port]
 * @property {string | null} [accompanying_adult_document]
 * @property {string | null} [relationship]
 * @property {string | null} room
 * @property {string | null} [room_id]
 * @property {string | null} [reason]
 * @property {string} check_in_at
 * @property {string | null} expected_check_out
 * @property {string | null} check_out_at
 * @property {string} received_at
 * @property {string} due_at
 * @property {number} late_minutes
 * @property {string} source
 * @property {FieldProblem[]} warnings
 */

/** The server's check of a registration (POST /v1/stays/validate). @typedef {{valid: boolean, errors: FieldProblem[], warnings: FieldProblem[]}} ValidationReport */

/**
 * A chip-card QR as the server reads it (POST /v1/qr/parse, ingest's QrGuest).
 * @typedef {object} QrGuest
 * @property {string} id_number
 * @property {string | null} [legacy_id_number]
 * @property {string} full_name
 * @property {string} date_of_birth
 * @property {string} gender
 * @property {string | null} [address]
 * @property {string | null} [issued_on]
 */

/**
 * A room or bed of a facility's registry (ingest's RoomView).
 * @typedef {object} Room
 * @property {string} room_id
 * @property {string} number
 * @property {string | null} name
 * @property {string | null} floor
 * @property {string} kind
 * @property {number} beds
 * @property {string} state
 * @property {string | null} state_reason
 * @property {number} version
 * @property {string} updated_at
 */

/**
 * A name list's entry (countries, provinces, communes, roles, visa and facility types): its
 * code and its name, in one language or both (visa types add what they are for).
 * @typedef {{code: string | number, name?: string, name_vi?: string, name_en?: string, description_vi?: string, description_en?: string}} Named
 */

/**
 * A kind of facility and the department that oversees it (GET /v1/facility-types).
 * @typedef {object} FacilityType
 * @property {string} code
 * @property {string} name_vi
 * @property {string} name_en
 * @property {string} department
 * @property {string} department_name_vi
 * @property {string} department_name_en
 * @property {number} plan_model
 * @property {boolean} takes_guests
 * @property {boolean} has_stars
 * @property {boolean} has_zone
 */

/** A province or commune of the administrative units (accounts). @typedef {{code: number | string, name: string}} AdminUnit */

// ---- Coach trips (ingest's trips/schemas).

/** A passenger's outcome in a manifest or an addition. @typedef {{index: number, passenger_id?: string | null, warnings?: FieldProblem[]}} PassengerResult */
/**
 * What the server answers a manifest with.
 * @typedef {{trip_id: string, receipt_number: string, status: "submitted" | "cancelled", received_at: string, passengers: PassengerResult[]}} TripReceipt
 */
/**
 * A passenger as the trip shows it.
 * @typedef {object} Passenger
 * @property {string} passenger_id
 * @property {string} full_name
 * @property {string} document_number
 * @property {string | null} seat
 * @property {string | null} boarding_point
 * @property {string | null} alighting_point
 * @property {"on_board" | "removed" | "no_show"} status
 */
/**
 * A trip's head (TripHead); the list adds how many are on board, the trip its passengers.
 * @typedef {object} TripHead
 * @property {string} trip_id
 * @property {string} receipt_number
 * @property {"submitted" | "cancelled"} status
 * @property {string} plate
 * @property {number} origin_province
 * @property {number} destination_province
 * @property {string} departure_at
 * @property {number} seats
 * @property {string} received_at
 */
/** @typedef {TripHead & {on_board: number}} TripSummary */
/** @typedef {TripHead & {passengers: Passenger[]}} Trip */

// ---- Uploads (guest lists, trip passenger sheets): ingest's upload_schemas.

/** Something about the file as a whole. @typedef {{code: string, column?: string | null, header?: string | null, message: Localized}} Notice */
/**
 * One column of the sheet and what it was read as.
 * @typedef {object} UploadColumn
 * @property {string} column the letter (A, B…)
 * @property {string} header
 * @property {string | null} field
 * @property {string | null} label "vi / en"
 * @property {"mapped" | "not-stored" | "unknown" | "duplicate" | "ignored"} status
 */
/** A field a column can be read as. @typedef {{field: string, label: string, required?: boolean}} FieldChoice */
/**
 * One of the first lines of the sheet, as it would be read.
 * @typedef {object} PreviewRow
 * @property {number} row the line number the spreadsheet shows
 * @property {Record<string, string>} cells
 * @property {Record<string, unknown>} values
 * @property {"valid" | "rejected" | "unchecked"} status
 * @property {FieldProblem[]} [errors]
 * @property {FieldProblem[]} [warnings]
 */
/**
 * What an upload of a file would read, before anything is stored (POST /v1/uploads/preview).
 * @typedef {object} UploadPreview
 * @property {"guests" | "trip"} kind
 * @property {string} file_format
 * @property {number | null} header_row
 * @property {boolean} header_found
 * @property {"detected" | "explicit" | "remembered"} mapping_source
 * @property {Record<string, string | null>} mapping
 * @property {UploadColumn[]} columns
 * @property {Localized[]} [missing]
 * @property {Notice[]} [notices]
 * @property {PreviewRow[]} [rows]
 * @property {FieldChoice[]} fields
 */
/**
 * One line's outcome in an upload.
 * @typedef {{row: number, status: "accepted" | "duplicate" | "rejected", stay_id?: string | null, errors?: FieldProblem[], warnings?: FieldProblem[]}} RowResult
 */
/**
 * An upload and how far it got (GET /v1/uploads/{id}).
 * @typedef {object} UploadStatus
 * @property {string} upload_id
 * @property {"guests" | "trip"} kind
 * @property {string} filename
 * @property {"pending" | "processing" | "done" | "failed"} status
 * @property {number | null} total_rows
 * @property {number} processed_rows
 * @property {number} accepted
 * @property {number} duplicates
 * @property {number} rejected
 * @property {string} created_at
 * @property {string | null} [finished_at]
 * @property {{code?: string, detail?: Localized, message?: Localized, errors?: FieldProblem[]} | null} [error] why
 *   it failed (a trip's refusal lists its errors)
 * @property {number | null} [header_row]
 * @property {UploadColumn[]} [columns]
 * @property {Notice[]} [notices]
 * @property {RowResult[]} [results]
 * @property {number | null} [next_after_row]
 */

// ---- The shell.

/**
 * What every page finds in AppContext: the signed-in user, their facility (null for police and
 * analysts, or when it could not be had) and the router's navigate.
 * @typedef {object} App
 * @property {import("./session.js").Session} session
 * @property {Facility | null} facility
 * @property {(path: string, query?: Record<string, unknown>) => void} navigate
 */

/**
 * A page's props: the route's parameters (":id") and the hash's query.
 * @typedef {{params: Record<string, string>, query: Record<string, string>}} PageProps
 */

/**
 * One route a page module exports: its hash path, the page, the navigation's message key
 * (none: not in the navigation) and who may open it.
 * @typedef {object} Route
 * @property {string} path
 * @property {import("preact").ComponentType<PageProps>} view
 * @property {string} [nav]
 * @property {string[]} roles groups of session.js's ROLE_GROUPS, or roles
 * @property {"lodging" | "coach"} [facilityKind]
 * @property {string[]} [scripts] classic scripts the page needs (lazy.js)
 */

export {};
