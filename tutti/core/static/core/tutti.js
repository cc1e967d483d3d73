// Start the NHS.UK frontend components (error summary focus, header menu, etc.).
import { initAll } from '../nhsuk/nhsuk-frontend.min.js'

initAll()
