//! Signing in and out.

mod current_user;
mod open_invitation;
mod request_code;
mod resend_code;
mod sign_out;
mod verify_code;
mod verify_second_factor;

pub use current_user::*;
pub use open_invitation::*;
pub use request_code::*;
pub use resend_code::*;
pub use sign_out::*;
pub use verify_code::*;
pub use verify_second_factor::*;
