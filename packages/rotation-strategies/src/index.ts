export {
  isRotationError,
  ROTATION_ERROR_CODES,
  RotationError,
  type RotationErrorCode,
} from "./rotation-error.ts"
